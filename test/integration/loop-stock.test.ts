import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StockKeeper } from "../../workers/objects/stock-keeper";
import {
  buyAndDeliver,
  call,
  createMerchant,
  createProduct,
  eventually,
  getOrder,
  listAll,
  pay,
  placeOrder,
  stockAccounts,
  stockKeeperOf,
  stockOf,
  type TestMerchant,
  tally,
} from "./factories";

/**
 * Loop stock (循环库存): one shared credential sold to many buyers, never more than its cap.
 */

async function accounts(merchant: TestMerchant, skuId: string) {
  return (await call("GET", `/v1/admin/skus/${skuId}/accounts`, { token: merchant.adminKey })).body.data as {
    accountId: string;
    seats: number;
    used: number;
    reserved: number;
    sold: number;
  }[];
}

const used = async (merchant: TestMerchant, skuId: string) => (await accounts(merchant, skuId)).map((a) => a.used);

describe("loop stock (shared accounts)", () => {
  it("200 simultaneous orders for 10 seats on 3 credentials: exactly 10 sold, no credential past its cap, each buyer once", async () => {
    const merchant = await createMerchant();
    const { skuId } = await createProduct(merchant, "shared_account");
    await stockAccounts(merchant, skuId, [
      { code: "video-a@example.test", secret: "pa", seats: 5 },
      { code: "video-b@example.test", secret: "pb", seats: 3 },
      { code: "video-c@example.test", secret: "pc", seats: 2 },
    ]);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 10, reserved: 0, sold: 0 });

    const attempts = await Promise.all(
      Array.from({ length: 200 }, (_, i) => placeOrder(merchant, [{ skuId, quantity: 1 }], `viewer${i}@example.test`)),
    );
    expect(tally(attempts)).toEqual({ "201": 10, "409 insufficient_stock": 190 });
    expect(await accounts(merchant, skuId)).toEqual([
      expect.objectContaining({ seats: 5, used: 5, reserved: 5 }),
      expect.objectContaining({ seats: 3, used: 3, reserved: 3 }),
      expect.objectContaining({ seats: 2, used: 2, reserved: 2 }),
    ]);

    const placed = attempts.filter((res) => res.status === 201).map((res) => res.body);
    await Promise.all(placed.map((order) => pay(order.payment.id)));
    const pages = await Promise.all(
      placed.map((order) =>
        eventually(
          () => getOrder(merchant, order.id, order.accessToken),
          (res) => res.body?.status === "fulfilled",
          20_000,
        ),
      ),
    );
    const logins = pages.map((page) => page.body.deliveries[0].code as string);
    const perLogin: Record<string, number> = {};
    for (const login of logins) perLogin[login] = (perLogin[login] ?? 0) + 1;
    expect(perLogin).toEqual({ "video-a@example.test": 5, "video-b@example.test": 3, "video-c@example.test": 2 });
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 0, sold: 10 });
  });

  it("seats the buyer on the credential with the most room, the oldest among equals", async () => {
    const merchant = await createMerchant();
    const { skuId } = await createProduct(merchant, "shared_account");
    await stockAccounts(merchant, skuId, [
      { code: "music-a@example.test", seats: 3 },
      { code: "music-b@example.test", seats: 2 },
    ]);
    const steps: number[][] = [];
    for (let i = 0; i < 5; i++) {
      expect((await placeOrder(merchant, [{ skuId, quantity: 1 }], `fan${i}@example.test`)).status).toBe(201);
      steps.push(await used(merchant, skuId));
    }
    // Rooms 3/2 → a, 2/2 → a (older), 1/2 → b, 1/1 → a, 0/1 → b.
    expect(steps).toEqual([
      [1, 0],
      [2, 0],
      [2, 1],
      [3, 1],
      [3, 2],
    ]);
    const over = await placeOrder(merchant, [{ skuId, quantity: 1 }], "late@example.test");
    expect(over.body.code).toBe("insufficient_stock");
  });

  it("an order of several seats gets them on different credentials, and is refused when fewer credentials have room", async () => {
    const merchant = await createMerchant();
    const { skuId } = await createProduct(merchant, "shared_account");
    await stockAccounts(merchant, skuId, [
      { code: "family-a@example.test", seats: 4 },
      { code: "family-b@example.test", seats: 4 },
    ]);
    const two = await placeOrder(merchant, [{ skuId, quantity: 2 }], "family@example.test");
    expect(two.status).toBe(201);
    expect(await used(merchant, skuId)).toEqual([1, 1]);
    const three = await placeOrder(merchant, [{ skuId, quantity: 3 }], "big@example.test");
    expect(three.status).toBe(409);
    expect(three.body.code).toBe("insufficient_stock");
    expect(await used(merchant, skuId)).toEqual([1, 1]);
  });

  it("shows the buyer the shared login and password with the instructions; a refund frees the seat even after delivery", async () => {
    const merchant = await createMerchant();
    const { skuId } = await createProduct(merchant, "shared_account");
    await stockAccounts(merchant, skuId, [{ code: "solo@example.test", secret: "s3cret!", seats: 1 }]);
    const bought = await buyAndDeliver(merchant, skuId);
    expect(bought.order.items[0].kind).toBe("shared_account");
    expect(bought.order.deliveries).toEqual([
      expect.objectContaining({
        code: "solo@example.test",
        secret: "s3cret!",
        instructions: "How to use shared_account",
      }),
    ]);
    expect(await used(merchant, skuId)).toEqual([1]);
    expect((await placeOrder(merchant, [{ skuId, quantity: 1 }], "second@example.test")).body.code).toBe(
      "insufficient_stock",
    );

    const refund = await call("POST", `/v1/admin/orders/${bought.order.id}/refund`, {
      token: merchant.adminKey,
      json: { reason: "cancelled subscription" },
    });
    expect(refund.status).toBe(200);
    expect(await accounts(merchant, skuId)).toEqual([expect.objectContaining({ seats: 1, used: 0, sold: 0 })]);
    const next = await buyAndDeliver(merchant, skuId);
    expect(next.order.deliveries[0].code).toBe("solo@example.test");
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 0, sold: 1 });
  });

  it("a lapsed reservation gives its seat back", async () => {
    const merchant = await createMerchant();
    const { skuId } = await createProduct(merchant, "shared_account");
    await stockAccounts(merchant, skuId, [{ code: "lapse@example.test", seats: 2 }]);
    expect((await placeOrder(merchant, [{ skuId, quantity: 1 }])).status).toBe(201);
    expect(await used(merchant, skuId)).toEqual([1]);
    const expired = await runInDurableObject(stockKeeperOf(skuId), (keeper: StockKeeper) =>
      keeper.expireReservations(Date.now() + 16 * 60_000),
    );
    expect(expired).toBe(1);
    expect(await accounts(merchant, skuId)).toEqual([expect.objectContaining({ seats: 2, used: 0, reserved: 0 })]);
  });

  it("imports credentials with their seats by JSON or CSV, refusing lines without a valid number of seats", async () => {
    const merchant = await createMerchant();
    const { skuId } = await createProduct(merchant, "shared_account");
    const csv =
      "code,secret,seats\nshared-1@x.test,pw1,5\nshared-2@x.test,pw2,\nshared-3@x.test,pw3,0\nshared-4@x.test,pw4,x\nshared-1@x.test,pw1,5\n";
    const res = await call("POST", `/v1/admin/skus/${skuId}/stock`, {
      token: merchant.adminKey,
      body: csv,
      headers: { "content-type": "text/csv" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      imported: 1,
      duplicates: 1,
      rejected: 3,
      errors: [
        { line: 3, message: "seats is required for a shared account" },
        { line: 4, message: "seats must be a whole number from 1 to 1000" },
        { line: 5, message: "seats must be a whole number from 1 to 1000" },
      ],
    });
    const card = await createProduct(merchant, "card_secret");
    const wrongKind = await call("POST", `/v1/admin/skus/${card.skuId}/stock`, {
      token: merchant.adminKey,
      json: { items: [{ code: "CARD-1", seats: 3 }] },
    });
    expect(wrongKind.body).toMatchObject({
      imported: 0,
      rejected: 1,
      errors: [{ line: 1, message: "seats apply to shared accounts only" }],
    });
    expect(await stockOf(merchant, skuId)).toEqual({ available: 5, reserved: 0, sold: 0 });
    expect(await listAll(`/v1/admin/skus/${skuId}/accounts`, merchant.adminKey)).toHaveLength(1);
  });
});
