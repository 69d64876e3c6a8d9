import { describe, expect, it } from "vitest";
import {
  call,
  createMerchant,
  createProduct,
  d1Rows,
  eventually,
  getOrder,
  listAll,
  pay,
  stock,
  stockOf,
  tally,
  unique,
} from "./factories";

/**
 * A unit of stock is sold at most once, and one Idempotency-Key makes one order, under real
 * concurrency: every burst is real requests through the Worker, all in flight at once.
 */
describe("checkout under concurrency", () => {
  it("300 simultaneous orders for 100 units: 100 reserved and, all paid at once, 100 delivered with 100 distinct codes", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret");
    const prefix = unique("HOT");
    expect(await stock(merchant, card.skuId, 100, prefix)).toMatchObject({ imported: 100, duplicates: 0, rejected: 0 });
    const imported = Array.from({ length: 100 }, (_, i) => `${prefix}-${i}`);

    const attempts = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        call("POST", `/v1/shops/${merchant.slug}/orders`, {
          json: { email: `buyer${i}@example.test`, items: [{ skuId: card.skuId, quantity: 1 }] },
        }),
      ),
    );

    expect(tally(attempts)).toEqual({ "201": 100, "409 insufficient_stock": 200 });
    const placed = attempts.filter((res) => res.status === 201).map((res) => res.body);
    expect(new Set(placed.map((order) => order.id)).size).toBe(100);
    // The refused 200 left nothing behind: no order rows, no reserved units.
    expect(await listAll("/v1/admin/orders", merchant.adminKey)).toHaveLength(100);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 0, reserved: 100, sold: 0 });

    const payments = await Promise.all(placed.map((order) => pay(order.payment.id)));
    expect(payments.map((res) => `${res.status}/${res.body.webhook?.status}`)).toEqual(Array(100).fill("200/200"));

    const fulfilled = await eventually(
      () => listAll(`/v1/admin/orders?status=fulfilled`, merchant.adminKey),
      (orders) => orders.length === 100,
      20_000,
    );
    expect(fulfilled).toHaveLength(100);

    const pages = await Promise.all(placed.map((order) => getOrder(merchant, order.id, order.accessToken)));
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.body.status).toBe("fulfilled");
      expect(page.body.deliveries).toHaveLength(1);
    }
    const delivered = pages.map((page) => page.body.deliveries[0].code as string);
    expect(new Set(delivered).size).toBe(100);
    expect([...delivered].sort()).toEqual([...imported].sort());

    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 0, reserved: 0, sold: 100 });
    const [counts] = await d1Rows<{ deliveries: number; payments: number }>(
      `SELECT (SELECT count(*) FROM deliveries WHERE merchant_id = ?1) AS deliveries,
              (SELECT count(*) FROM ledger_entries WHERE merchant_id = ?1 AND kind = 'payment') AS payments`,
      merchant.id,
    );
    expect(counts).toEqual({ deliveries: 100, payments: 100 });
  });

  it("one Idempotency-Key sent 50 times at once makes exactly one order; every 2xx is that order", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 10);
    const key = `order-${crypto.randomUUID()}`;
    const body = { email: "once@example.test", items: [{ skuId: card.skuId, quantity: 2 }] };
    const send = (json: unknown) =>
      call("POST", `/v1/shops/${merchant.slug}/orders`, { json, headers: { "idempotency-key": key } });

    const responses = await Promise.all(Array.from({ length: 50 }, () => send(body)));

    const counts = tally(responses);
    expect(Object.keys(counts).every((k) => k === "201" || k === "409 idempotency_key_in_use")).toBe(true);
    expect(counts["201"] ?? 0).toBeGreaterThanOrEqual(1);
    expect((counts["201"] ?? 0) + (counts["409 idempotency_key_in_use"] ?? 0)).toBe(50);
    const ids = new Set(responses.filter((res) => res.status === 201).map((res) => res.body.id));
    expect(ids.size).toBe(1);
    const [orderId] = [...ids];

    const orders = await listAll("/v1/admin/orders", merchant.adminKey);
    expect(orders.map((order) => order.id)).toEqual([orderId]);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 8, reserved: 2, sold: 0 });

    const replay = await send(body);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(orderId);
    const reused = await send({ ...body, email: "someone-else@example.test" });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe("idempotency_key_reused");
    expect(await listAll("/v1/admin/orders", merchant.adminKey)).toHaveLength(1);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 8, reserved: 2, sold: 0 });
  });
});
