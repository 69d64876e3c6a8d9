import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StockKeeper } from "../../workers/objects/stock-keeper";
import { asChannel, balanceOf, createChannel, createReseller, resellerOrder, setPrices } from "./channel-kit";
import {
  adminOrder,
  call,
  createMerchant,
  createProduct,
  d1Rows,
  eventually,
  pay,
  placeOrder,
  stock,
  stockKeeperOf,
  stockOf,
  type TestMerchant,
  tally,
} from "./factories";
import { runCron } from "./supply-kit";

/**
 * A channel sells at most its quota of a SKU, exactly, under hundreds of simultaneous orders:
 * the claim is a conditional update in the same D1 batch as the order. Units go back when the
 * order expires unpaid, its payment fails, or it is refunded before delivery, and a late
 * payment takes them again (or is refunded when the quota was sold meanwhile).
 */

const TTL_MS = 900_000;

async function soldThrough(channelId: string, skuId: string): Promise<number> {
  const [row] = await d1Rows<{ used: number }>(
    "SELECT quota_used AS used FROM channel_prices WHERE channel_id = ? AND sku_id = ?",
    channelId,
    skuId,
  );
  return row?.used ?? 0;
}

function orderThrough(merchant: TestMerchant, channel: { publishableKey: string | null }, skuId: string, quantity = 1) {
  return call("POST", `/v1/shops/${merchant.slug}/orders`, {
    headers: asChannel(channel),
    json: { email: "quota@example.test", items: [{ skuId, quantity }] },
  });
}

async function waitFor(merchant: TestMerchant, orderId: string, status: string) {
  const order = await eventually(
    () => adminOrder(merchant, orderId),
    (value) => value.status === status,
    15_000,
  );
  expect(order.status).toBe(status);
  return order;
}

describe("channel quotas under concurrency", () => {
  it("300 simultaneous mini-program orders against a quota of 100: exactly 100 placed, 200 quota_exceeded; the shop sells on", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    const mini = await createChannel(merchant, "mini_program");
    await setPrices(merchant, mini.id, [{ skuId: voucher.skuId, price: 950, quota: 100 }]);

    const attempts = await Promise.all(Array.from({ length: 300 }, () => orderThrough(merchant, mini, voucher.skuId)));

    expect(tally(attempts)).toEqual({ "201": 100, "409 quota_exceeded": 200 });
    expect(await soldThrough(mini.id, voucher.skuId)).toBe(100);
    const placed = attempts.filter((res) => res.status === 201);
    expect(new Set(placed.map((res) => res.body.id)).size).toBe(100);
    expect(placed.every((res) => res.body.total.amount === 950 && res.body.channelId === mini.id)).toBe(true);
    const [rows] = await d1Rows<{ orders: number; holds: number }>(
      `SELECT (SELECT count(*) FROM orders WHERE merchant_id = ?1 AND channel_id = ?2) AS orders,
              (SELECT count(*) FROM channel_quota_holds WHERE channel_id = ?2 AND status = 'held') AS holds`,
      merchant.id,
      mini.id,
    );
    expect(rows).toEqual({ orders: 100, holds: 100 });
    // The quota is the mini-program's: the shop has none on this SKU.
    expect((await placeOrder(merchant, [{ skuId: voucher.skuId, quantity: 1 }])).status).toBe(201);
  });

  it("200 simultaneous reseller orders of 2 units against a quota of 100: exactly 50 placed and paid, the rest refused", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret", undefined, 1000);
    await stock(merchant, card.skuId, 400);
    const reseller = await createReseller(merchant, 1_000_000);
    await setPrices(merchant, reseller.id, [{ skuId: card.skuId, price: 600, quota: 100 }]);

    const attempts = await Promise.all(
      Array.from({ length: 200 }, () => resellerOrder(reseller, [{ skuId: card.skuId, quantity: 2 }])),
    );

    expect(tally(attempts)).toEqual({ "201": 50, "409 quota_exceeded": 150 });
    expect(await soldThrough(reseller.id, card.skuId)).toBe(100);
    expect(await balanceOf(reseller)).toBe(1_000_000 - 50 * 1200);
    // The refused 150 reserved nothing that stayed reserved, and paid nothing.
    const levels = await eventually(
      () => stockOf(merchant, card.skuId),
      (value) => value.reserved === 0 && value.sold === 100,
      15_000,
    );
    expect(levels).toEqual({ available: 300, reserved: 0, sold: 100 });
    const [debits] = await d1Rows<{ n: number; total: number }>(
      "SELECT count(*) AS n, sum(amount) AS total FROM channel_balance_entries WHERE channel_id = ? AND kind = 'order_debit'",
      reseller.id,
    );
    expect(debits).toEqual({ n: 50, total: -60_000 });
  });
});

describe("units going back to the quota", () => {
  it("come back when a payment fails and when an unpaid order expires", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    const app = await createChannel(merchant, "app");
    await setPrices(merchant, app.id, [{ skuId: voucher.skuId, price: 900, quota: 2 }]);

    const first = await orderThrough(merchant, app, voucher.skuId, 2);
    expect(first.status).toBe(201);
    expect((await orderThrough(merchant, app, voucher.skuId)).body.code).toBe("quota_exceeded");

    expect((await pay(first.body.payment.id, "failed")).status).toBe(200);
    await waitFor(merchant, first.body.id, "payment_failed");
    expect(
      await eventually(
        () => soldThrough(app.id, voucher.skuId),
        (sold) => sold === 0,
      ),
    ).toBe(0);

    const second = await orderThrough(merchant, app, voucher.skuId, 2);
    expect(second.status).toBe(201);
    expect(await soldThrough(app.id, voucher.skuId)).toBe(2);
    // The sweep expires unpaid orders once their reservation time has passed, 100 a run (the
    // other tests of this file leave hundreds behind).
    const swept = await eventually(
      async () => {
        await runCron(Date.now() + TTL_MS + 120_000);
        return adminOrder(merchant, second.body.id);
      },
      (order) => order.status === "expired",
      30_000,
    );
    expect(swept.status).toBe("expired");
    expect(await soldThrough(app.id, voucher.skuId)).toBe(0);
    // The first order's failed payment and its expiry gave its units back once, not twice.
    const holds = await d1Rows<{ status: string }>(
      "SELECT status FROM channel_quota_holds WHERE channel_id = ? ORDER BY order_id",
      app.id,
    );
    expect(holds.map((hold) => hold.status)).toEqual(["released", "released"]);
    expect((await orderThrough(merchant, app, voucher.skuId, 2)).status).toBe(201);
  });

  it("a late payment takes its units again, or is refunded when the quota was sold meanwhile", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    const mini = await createChannel(merchant, "mini_program");
    await setPrices(merchant, mini.id, [{ skuId: voucher.skuId, price: 880, quota: 1 }]);

    const revived = await orderThrough(merchant, mini, voucher.skuId);
    await pay(revived.body.payment.id, "failed");
    await eventually(
      () => soldThrough(mini.id, voucher.skuId),
      (sold) => sold === 0,
    );
    await pay(revived.body.payment.id, "succeeded");
    await waitFor(merchant, revived.body.id, "fulfilled");
    expect(await soldThrough(mini.id, voucher.skuId)).toBe(1);

    await setPrices(merchant, mini.id, [{ skuId: voucher.skuId, price: 880, quota: 2 }]);
    const late = await orderThrough(merchant, mini, voucher.skuId);
    await pay(late.body.payment.id, "failed");
    await eventually(
      () => soldThrough(mini.id, voucher.skuId),
      (sold) => sold === 1,
    );
    const meanwhile = await orderThrough(merchant, mini, voucher.skuId);
    expect(meanwhile.status).toBe(201);
    await pay(late.body.payment.id, "succeeded");
    const refunded = await waitFor(merchant, late.body.id, "refunded");
    expect(refunded.statusReason).toBe("quota_exceeded");
    expect(refunded.payment.status).toBe("refunded");
    expect(await soldThrough(mini.id, voucher.skuId)).toBe(2);
  });

  it("a card order refunded before delivery gives its units back; one refunded after delivery keeps them sold", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret", undefined, 1000);
    await stock(merchant, card.skuId, 2);
    const app = await createChannel(merchant, "app");
    await setPrices(merchant, app.id, [{ skuId: card.skuId, price: 990, quota: 5 }]);

    const delivered = await orderThrough(merchant, app, card.skuId);
    await pay(delivered.body.payment.id);
    await waitFor(merchant, delivered.body.id, "fulfilled");
    const refund = await call("POST", `/v1/admin/orders/${delivered.body.id}/refund`, {
      token: merchant.adminKey,
      json: { reason: "customer asked" },
    });
    expect(refund.status).toBe(200);
    expect(await soldThrough(app.id, card.skuId)).toBe(1);

    // Its reservation lapses, its unit is sold in the shop, and its payment comes too late.
    const late = await orderThrough(merchant, app, card.skuId);
    expect(await soldThrough(app.id, card.skuId)).toBe(2);
    const keeper = stockKeeperOf(card.skuId);
    await runInDurableObject(keeper, (instance: StockKeeper) =>
      instance.expireReservations(Date.now() + TTL_MS + 1000),
    );
    await runDurableObjectAlarm(keeper);
    await waitFor(merchant, late.body.id, "expired");
    expect(await soldThrough(app.id, card.skuId)).toBe(1);
    const shop = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }]);
    await pay(shop.body.payment.id);
    await waitFor(merchant, shop.body.id, "fulfilled");
    await pay(late.body.payment.id);
    const refunded = await waitFor(merchant, late.body.id, "refunded");
    expect(refunded.statusReason).toBe("insufficient_stock");
    expect(await soldThrough(app.id, card.skuId)).toBe(1);
  });
});
