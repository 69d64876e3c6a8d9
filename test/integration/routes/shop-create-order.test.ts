import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { asChannel, createChannel, setPrices } from "../channel-kit";
import { call, createMerchant, createProduct, stock, stockOf, type TestMerchant } from "../factories";
import { expectForeignLikeMissing, expectJson, OVERSIZED, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/shops/{shop}/orders");
const path = (shop: string) => `/v1/shops/${shop}/orders`;

const adminOrders = async (merchant: TestMerchant) =>
  (await call("GET", "/v1/admin/orders?limit=100", { token: merchant.adminKey })).body.data as { id: string }[];

describe("POST /v1/shops/{shop}/orders", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let card: { skuId: string };
  let voucher: { skuId: string };
  let otherCard: { skuId: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    card = await createProduct(merchant, "card_secret", undefined, 1500);
    await stock(merchant, card.skuId, 10);
    voucher = await createProduct(merchant, "voucher", { uses: 2 }, 2500);
    otherCard = await createProduct(other, "card_secret");
    await stock(other, otherCard.skuId, 3);
  });

  it("places an order awaiting payment, reserves its units, and hands back the access token once", async () => {
    const res = await call("POST", path(merchant.slug), {
      json: {
        email: "Buyer@Example.TEST",
        items: [
          { skuId: card.skuId, quantity: 2 },
          { skuId: voucher.skuId, quantity: 1 },
        ],
      },
    });
    expectJson(res, 201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^ord_/),
      status: "awaiting_payment",
      email: "buyer@example.test",
      total: { amount: 2 * 1500 + 2500, currency: "CNY" },
      accessToken: expect.stringMatching(/^\S{32,}$/),
      expiresAt: expect.any(String),
      payment: {
        id: expect.stringMatching(/^pay_/),
        provider: "sandbox",
        status: "pending",
        checkoutUrl: expect.stringContaining(res.body.payment.id),
      },
    });
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          skuId: card.skuId,
          quantity: 2,
          kind: "card_secret",
          unitPrice: { amount: 1500, currency: "CNY" },
        }),
        expect.objectContaining({ skuId: voucher.skuId, quantity: 1, kind: "voucher" }),
      ]),
    );
    const ttl = Date.parse(res.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(800_000);
    expect(ttl).toBeLessThanOrEqual(900_000);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 8, reserved: 2, sold: 0 });
  });

  it("folds the same SKU listed twice into one line", async () => {
    const res = await call("POST", path(merchant.slug), {
      json: {
        email: "fold@example.test",
        items: [
          { skuId: voucher.skuId, quantity: 1 },
          { skuId: voucher.skuId, quantity: 2 },
        ],
      },
    });
    expectJson(res, 201);
    expect(res.body.items).toEqual([expect.objectContaining({ skuId: voucher.skuId, quantity: 3 })]);
    expect(res.body.total).toEqual({ amount: 7500, currency: "CNY" });
  });

  it("refuses more than the stock holds with 409 insufficient_stock and reserves nothing", async () => {
    const before = await stockOf(merchant, card.skuId);
    const ordersBefore = await adminOrders(merchant);
    const res = await call("POST", path(merchant.slug), {
      json: {
        email: "b@example.test",
        items: [
          { skuId: voucher.skuId, quantity: 1 },
          { skuId: card.skuId, quantity: 50 },
        ],
      },
    });
    await route.expectProblem(res, "insufficient_stock");
    expect(await stockOf(merchant, card.skuId)).toEqual(before);
    expect(await adminOrders(merchant)).toEqual(ordersBefore);
  });

  it("refuses invalid input with 400 validation_failed listing the fields", async () => {
    const res = await call("POST", path(merchant.slug), {
      json: { email: "not-an-email", items: [{ skuId: card.skuId, quantity: 0 }] },
    });
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(["email", "items.0.quantity"]),
    );
    const empty = await call("POST", path(merchant.slug), { json: { email: "a@example.test", items: [] } });
    await route.expectProblem(empty, "validation_failed");
  });

  it("answers malformed JSON with 400 invalid_request, and a body over 1 MiB with 413 payload_too_large", async () => {
    const malformed = await call("POST", path(merchant.slug), {
      body: "{",
      headers: { "content-type": "application/json" },
    });
    await route.expectProblem(malformed, "invalid_request");
    const huge = await call("POST", path(merchant.slug), {
      json: { email: "a@example.test", items: [{ skuId: card.skuId, quantity: 1 }], note: OVERSIZED },
    });
    await route.expectProblem(huge, "payload_too_large");
  });

  it("answers an unknown shop or SKU with 404 not_found", async () => {
    await route.expectProblem(
      await call("POST", path("no-such-shop"), {
        json: { email: "a@example.test", items: [{ skuId: card.skuId, quantity: 1 }] },
      }),
      "not_found",
    );
    await route.expectProblem(
      await call("POST", path(merchant.slug), {
        json: { email: "a@example.test", items: [{ skuId: "sku_nope", quantity: 1 }] },
      }),
      "not_found",
    );
  });

  it("answers another merchant's SKU exactly like a missing one, and reserves none of its stock", async () => {
    const before = await stockOf(other, otherCard.skuId);
    const foreign = await call("POST", path(merchant.slug), {
      json: { email: "a@example.test", items: [{ skuId: otherCard.skuId, quantity: 1 }] },
    });
    const missing = await call("POST", path(merchant.slug), {
      json: { email: "a@example.test", items: [{ skuId: "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6", quantity: 1 }] },
    });
    await expectForeignLikeMissing(route, foreign, missing);
    expect(await stockOf(other, otherCard.skuId)).toEqual(before);
    expect(await adminOrders(other)).toEqual([]);
  });

  it("replays the same Idempotency-Key and body with the same order, and refuses the key with another body (422)", async () => {
    const headers = { "idempotency-key": crypto.randomUUID() };
    const input = { email: "retry@example.test", items: [{ skuId: card.skuId, quantity: 1 }] };
    const before = await stockOf(merchant, card.skuId);
    const first = await call("POST", path(merchant.slug), { json: input, headers });
    expectJson(first, 201);
    const again = await call("POST", path(merchant.slug), { json: input, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await stockOf(merchant, card.skuId)).toEqual({
      available: (before.available ?? 0) - 1,
      reserved: before.reserved + 1,
      sold: 0,
    });
    const reused = await call("POST", path(merchant.slug), {
      json: { ...input, items: [{ skuId: card.skuId, quantity: 2 }] },
      headers,
    });
    await route.expectProblem(reused, "idempotency_key_reused");
    expect((await adminOrders(merchant)).filter((o) => o.id === first.body.id)).toHaveLength(1);
    expect((await stockOf(merchant, card.skuId)).reserved).toBe(before.reserved + 1);
  });

  it("keeps a shop's Idempotency-Keys apart from another shop's", async () => {
    const headers = { "idempotency-key": crypto.randomUUID() };
    const { skuId } = await createProduct(other, "voucher");
    const mine = await call("POST", path(merchant.slug), {
      json: { email: "a@example.test", items: [{ skuId: voucher.skuId, quantity: 1 }] },
      headers,
    });
    const theirs = await call("POST", path(other.slug), {
      json: { email: "a@example.test", items: [{ skuId, quantity: 1 }] },
      headers,
    });
    expectJson(mine, 201);
    expectJson(theirs, 201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });
});

describe("POST /v1/shops/{shop}/orders records the buyer's risk signals", () => {
  let merchant: TestMerchant;
  let skuId: string;
  const signalsOf = (orderId: string) =>
    env.DB.prepare("SELECT client_ip AS clientIp, device_id AS deviceId FROM orders WHERE id = ?")
      .bind(orderId)
      .first<{ clientIp: string | null; deviceId: string | null }>();

  beforeAll(async () => {
    merchant = await createMerchant();
    skuId = (await createProduct(merchant, "voucher")).skuId;
  });

  it("keeps CF-Connecting-IP and X-Device-Id on the order", async () => {
    const res = await call("POST", path(merchant.slug), {
      json: { email: "signals@example.test", items: [{ skuId, quantity: 1 }] },
      headers: { "cf-connecting-ip": "203.0.113.7", "x-device-id": "dev_0123456789abcdef0123" },
    });
    expectJson(res, 201);
    expect(await signalsOf(res.body.id)).toEqual({ clientIp: "203.0.113.7", deviceId: "dev_0123456789abcdef0123" });
  });

  it("keeps IPv6 addresses, and records nothing when the headers are absent or the IP is not an address", async () => {
    const v6 = await call("POST", path(merchant.slug), {
      json: { email: "signals@example.test", items: [{ skuId, quantity: 1 }] },
      headers: { "cf-connecting-ip": "2001:db8::1" },
    });
    expect(await signalsOf(v6.body.id)).toEqual({ clientIp: "2001:db8::1", deviceId: null });
    const none = await call("POST", path(merchant.slug), {
      json: { email: "signals@example.test", items: [{ skuId, quantity: 1 }] },
    });
    expect(await signalsOf(none.body.id)).toEqual({ clientIp: null, deviceId: null });
    const forged = await call("POST", path(merchant.slug), {
      json: { email: "signals@example.test", items: [{ skuId, quantity: 1 }] },
      headers: { "cf-connecting-ip": "<script>" },
    });
    expectJson(forged, 201);
    expect(await signalsOf(forged.body.id)).toEqual({ clientIp: null, deviceId: null });
  });

  it("refuses a malformed X-Device-Id with 400 validation_failed and places nothing", async () => {
    for (const device of ["short", "x".repeat(65), "dev id with spaces!"]) {
      const res = await call("POST", path(merchant.slug), {
        json: { email: "bad-device@example.test", items: [{ skuId, quantity: 1 }] },
        headers: { "x-device-id": device },
      });
      await route.expectProblem(res, "validation_failed");
    }
    const placed = await env.DB.prepare("SELECT count(*) AS n FROM orders WHERE email = ?")
      .bind("bad-device@example.test")
      .first<{ n: number }>();
    expect(placed?.n).toBe(0);
  });
});

describe("POST /v1/shops/{shop}/orders through a mini-program (X-Channel-Key)", () => {
  it("places the order at the mini-program's price, stamped with its channel, within its quota", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    const mini = await createChannel(merchant, "mini_program");
    await setPrices(merchant, mini.id, [{ skuId: voucher.skuId, price: 900, quota: 3 }]);
    const order = (quantity: number, headers = asChannel(mini)) =>
      call("POST", path(merchant.slug), {
        headers,
        json: { email: "mini@example.test", items: [{ skuId: voucher.skuId, quantity }] },
      });
    const res = await order(2);
    expectJson(res, 201);
    expect(res.body).toMatchObject({ total: { amount: 1800, currency: "CNY" }, channelId: mini.id });
    await route.expectProblem(await order(2), "quota_exceeded");
    expectJson(await order(1), 201);
    await route.expectProblem(await order(1), "quota_exceeded");
    // The quota is the mini-program's; the shop sells on at its own price.
    const shop = await order(5, {});
    expectJson(shop, 201);
    expect(shop.body).toMatchObject({ total: { amount: 5000, currency: "CNY" }, channelId: null });
    await route.expectProblem(await order(1, { "x-channel-key": "tess_pk_unknown" }), "not_found");
  });

  it("keeps Idempotency-Keys apart per channel: the same key from the shop and from the app are two orders", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    const app = await createChannel(merchant, "app");
    await setPrices(merchant, app.id, [{ skuId: voucher.skuId, price: 700 }]);
    const headers = { "idempotency-key": `key-${crypto.randomUUID()}` };
    const json = { email: "same@example.test", items: [{ skuId: voucher.skuId, quantity: 1 }] };
    const viaShop = await call("POST", path(merchant.slug), { headers, json });
    const viaApp = await call("POST", path(merchant.slug), { headers: asChannel(app, headers), json });
    expect([viaShop.body.total.amount, viaApp.body.total.amount]).toEqual([1000, 700]);
    expect(viaApp.body.id).not.toBe(viaShop.body.id);
    const replay = await call("POST", path(merchant.slug), { headers: asChannel(app, headers), json });
    expect(replay.body.id).toBe(viaApp.body.id);
  });
});
