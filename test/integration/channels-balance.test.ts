import { describe, expect, it } from "vitest";
import { bundle, product } from "./bundle-kit";
import { asChannel, balanceOf, createChannel, createReseller, resellerOrder, setPrices } from "./channel-kit";
import {
  adminOrder,
  call,
  createMerchant,
  createProduct,
  d1Rows,
  eventually,
  getOrder,
  listAll,
  pay,
  stock,
  tally,
  unique,
} from "./factories";

/**
 * A reseller pays from its prepaid balance: the debit and the order are one atomic D1 batch,
 * the balance never goes below zero under any number of simultaneous orders, every movement
 * has a ledger row, and what the reseller saw is what it pays (a price snapshot on the items).
 */

/** The ledger in the order its rows were written (ids of one millisecond do not sort by that). */
async function ledgerOf(channelId: string) {
  return d1Rows<{ kind: string; amount: number; balance_after: number; order_id: string | null }>(
    "SELECT kind, amount, balance_after, order_id FROM channel_balance_entries WHERE channel_id = ? ORDER BY rowid",
    channelId,
  );
}

describe("a reseller's prepaid balance", () => {
  it("200 simultaneous orders of 100 against a balance of 5,000: exactly 50 paid, 150 refused 402, the balance ends at 0", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 150);
    const reseller = await createReseller(merchant, 5000);
    await setPrices(merchant, reseller.id, [{ skuId: voucher.skuId, price: 100 }]);

    const attempts = await Promise.all(
      Array.from({ length: 200 }, () => resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 1 }])),
    );

    expect(tally(attempts)).toEqual({ "201": 50, "402 insufficient_funds": 150 });
    expect(await balanceOf(reseller)).toBe(0);
    const ledger = await ledgerOf(reseller.id);
    expect(ledger.filter((row) => row.kind === "order_debit")).toHaveLength(50);
    // Every row records the balance it left; the running sum agrees and never dips below zero.
    let running = 0;
    for (const row of ledger) {
      running += row.amount;
      expect(row.balance_after).toBe(running);
      expect(running).toBeGreaterThanOrEqual(0);
    }
    expect(running).toBe(0);
    const paid = attempts.filter((res) => res.status === 201).map((res) => res.body.id);
    expect(new Set(paid).size).toBe(50);
    expect((await listAll("/v1/channel/orders", reseller.apiKey)).map((order) => order.id).sort()).toEqual(
      [...paid].sort(),
    );
    const [money] = await d1Rows<{ n: number; total: number }>(
      "SELECT count(*) AS n, sum(amount) AS total FROM ledger_entries WHERE merchant_id = ? AND kind = 'payment'",
      merchant.id,
    );
    expect(money).toEqual({ n: 50, total: 5000 });
  });

  it("an order the balance does not cover is refused 402 with the balance, the stock and the orders as they were", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret", undefined, 1000);
    await stock(merchant, card.skuId, 3);
    const reseller = await createReseller(merchant, 1999);
    await setPrices(merchant, reseller.id, [{ skuId: card.skuId, price: 1000 }]);
    const before = { balance: await balanceOf(reseller), ledger: await ledgerOf(reseller.id) };

    const res = await resellerOrder(reseller, [{ skuId: card.skuId, quantity: 2 }]);

    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ code: "insufficient_funds", status: 402 });
    expect({ balance: await balanceOf(reseller), ledger: await ledgerOf(reseller.id) }).toEqual(before);
    expect((await call("GET", "/v1/channel/orders", { token: reseller.apiKey })).body.data).toEqual([]);
    const levels = await call("GET", `/v1/admin/skus/${card.skuId}/stock`, { token: merchant.adminKey });
    expect(levels.body).toMatchObject({ available: 3, reserved: 0, sold: 0 });
  });

  it("one Idempotency-Key sent 50 times at once makes one order and one debit", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 500);
    const reseller = await createReseller(merchant, 10_000);
    await setPrices(merchant, reseller.id, [{ skuId: voucher.skuId, price: 300 }]);
    const key = unique("once");

    const sends = await Promise.all(
      Array.from({ length: 50 }, () => resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 1 }], key)),
    );

    const created = sends.filter((res) => res.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((res) => res.body.id)).size).toBe(1);
    for (const res of sends.filter((r) => r.status !== 201)) expect(res.body.code).toBe("idempotency_key_in_use");
    expect(await balanceOf(reseller)).toBe(10_000 - 300);
    expect((await ledgerOf(reseller.id)).filter((row) => row.kind === "order_debit")).toHaveLength(1);
    const replay = await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 1 }], key);
    expect(replay.body.id).toBe(created[0]?.body.id);
  });

  it("a refund credits the balance back once, however many refunds race", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 500);
    const reseller = await createReseller(merchant, 1000);
    await setPrices(merchant, reseller.id, [{ skuId: voucher.skuId, price: 400 }]);
    const order = await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 2 }]);
    expect(await balanceOf(reseller)).toBe(200);

    const refunds = await Promise.all(
      Array.from({ length: 20 }, () =>
        call("POST", `/v1/admin/orders/${order.body.id}/refund`, {
          token: merchant.adminKey,
          json: { reason: "race" },
        }),
      ),
    );

    expect(tally(refunds)).toEqual({ "200": 1, "409 conflict": 19 });
    expect(await balanceOf(reseller)).toBe(1000);
    expect((await ledgerOf(reseller.id)).map((row) => [row.kind, row.amount, row.balance_after])).toEqual([
      ["top_up", 1000, 1000],
      ["order_debit", -800, 200],
      ["refund_credit", 800, 1000],
    ]);
    const money = await d1Rows<{ kind: string; amount: number }>(
      "SELECT kind, amount FROM ledger_entries WHERE order_id = ? ORDER BY kind",
      order.body.id,
    );
    expect(money).toEqual([
      { kind: "payment", amount: 800 },
      { kind: "refund", amount: -800 },
    ]);
    // The codes sold were voided with the refund.
    const partner = await call("POST", "/v1/admin/partners", { token: merchant.adminKey, json: { name: "Café" } });
    const check = await call("POST", "/v1/partner/verifications", {
      token: partner.body.apiKey,
      json: { code: order.body.deliveries[0].code },
    });
    expect(check.body).toMatchObject({ valid: false, status: "voided" });
  });
});

describe("a reseller's order refunded line by line", () => {
  it("each line's share goes back to the balance once, and the rest with the order's refund", async () => {
    const merchant = await createMerchant();
    const coffee = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    const tea = await createProduct(merchant, "voucher", { uses: 1 }, 900);
    const reseller = await createReseller(merchant, 5000);
    await setPrices(merchant, reseller.id, [
      { skuId: coffee.skuId, price: 700 },
      { skuId: tea.skuId, price: 300 },
    ]);
    const order = await resellerOrder(reseller, [
      { skuId: coffee.skuId, quantity: 2 },
      { skuId: tea.skuId, quantity: 1 },
    ]);
    expect(order.body.total).toEqual({ amount: 1700, currency: "CNY" });
    const teaLine = (await adminOrder(merchant, order.body.id)).items.find(
      (item: { skuId: string }) => item.skuId === tea.skuId,
    );
    const refundLine = () =>
      call("POST", `/v1/admin/orders/${order.body.id}/items/${teaLine.id}/refund`, {
        token: merchant.adminKey,
        json: { reason: "tea was wrong" },
      });
    const lines = await Promise.all([refundLine(), refundLine(), refundLine()]);
    expect(lines.filter((res) => res.status === 200)).toHaveLength(1);
    expect(await balanceOf(reseller)).toBe(5000 - 1700 + 300);

    const whole = await call("POST", `/v1/admin/orders/${order.body.id}/refund`, {
      token: merchant.adminKey,
      json: { reason: "the rest too" },
    });
    expect(whole.status).toBe(200);
    expect(await balanceOf(reseller)).toBe(5000);
    expect((await ledgerOf(reseller.id)).map((row) => [row.kind, row.amount, row.balance_after])).toEqual([
      ["top_up", 5000, 5000],
      ["order_debit", -1700, 3300],
      ["refund_credit", 300, 3600],
      ["refund_credit", 1400, 5000],
    ]);
    const money = await d1Rows<{ kind: string; amount: number }>(
      "SELECT kind, amount FROM ledger_entries WHERE order_id = ? ORDER BY rowid",
      order.body.id,
    );
    expect(money).toEqual([
      { kind: "payment", amount: 1700 },
      { kind: "refund", amount: -300 },
      { kind: "refund", amount: -1400 },
    ]);
  });
});

describe("the price a channel showed is the price paid", () => {
  it("a reseller order keeps its prices when the price list and the list price change afterwards; the refund gives back what was paid", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    const reseller = await createReseller(merchant, 10_000);
    await setPrices(merchant, reseller.id, [{ skuId: voucher.skuId, price: 700 }]);
    const order = await resellerOrder(reseller, [
      { skuId: voucher.skuId, quantity: 3, expectedUnitPrice: { amount: 700, currency: "CNY" } },
    ]);
    expect(order.status).toBe(201);

    await setPrices(merchant, reseller.id, [{ skuId: voucher.skuId, price: 900 }]);
    await call("PATCH", `/v1/admin/skus/${voucher.skuId}`, {
      token: merchant.adminKey,
      json: { price: { amount: 1500, currency: "CNY" } },
    });

    const seen = await call("GET", `/v1/channel/orders/${order.body.id}`, { token: reseller.apiKey });
    expect(seen.body.items[0].unitPrice).toEqual({ amount: 700, currency: "CNY" });
    expect(seen.body.total).toEqual({ amount: 2100, currency: "CNY" });
    await call("POST", `/v1/admin/orders/${order.body.id}/refund`, { token: merchant.adminKey, json: { reason: "x" } });
    expect(await balanceOf(reseller)).toBe(10_000);
    const stale = await resellerOrder(reseller, [
      { skuId: voucher.skuId, quantity: 1, expectedUnitPrice: { amount: 700, currency: "CNY" } },
    ]);
    expect(stale.body.code).toBe("price_changed");
    expect(await balanceOf(reseller)).toBe(10_000);
  });

  it("a bundle bought by a reseller shares out the reseller's price among its components, not the list price", async () => {
    const merchant = await createMerchant();
    const video = await product(merchant, "voucher", 3000, { uses: 1 });
    const music = await product(merchant, "voucher", 1000, { uses: 1 });
    const pack = await bundle(merchant, 3600, [
      { skuId: video.skuId, quantity: 1 },
      { skuId: music.skuId, quantity: 1 },
    ]);
    const reseller = await createReseller(merchant, 10_000);
    await setPrices(merchant, reseller.id, [{ skuId: pack.skuId, price: 2000 }]);
    const order = await resellerOrder(reseller, [{ skuId: pack.skuId, quantity: 1 }]);
    expect(order.status).toBe(201);
    expect(order.body.total).toEqual({ amount: 2000, currency: "CNY" });
    const shares = await d1Rows<{ sku_id: string; allocated_amount: number }>(
      "SELECT sku_id, allocated_amount FROM order_items WHERE order_id = ? AND parent_item_id IS NOT NULL ORDER BY sku_id",
      order.body.id,
    );
    expect(shares.reduce((total, row) => total + row.allocated_amount, 0)).toBe(2000);
    expect(Object.fromEntries(shares.map((row) => [row.sku_id, row.allocated_amount]))).toEqual({
      [video.skuId]: 1500,
      [music.skuId]: 500,
    });
  });

  it("an app order awaiting payment is paid and delivered at the price it was placed at, after the price list moved", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    const app = await createChannel(merchant, "app");
    await setPrices(merchant, app.id, [{ skuId: voucher.skuId, price: 850 }]);
    const placed = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      headers: asChannel(app),
      json: { email: "app@example.test", items: [{ skuId: voucher.skuId, quantity: 2 }] },
    });
    expect(placed.body.total).toEqual({ amount: 1700, currency: "CNY" });

    await setPrices(merchant, app.id, [{ skuId: voucher.skuId, price: 1200 }]);
    const paid = await pay(placed.body.payment.id);
    expect(paid.status).toBe(200);
    const delivered = await eventually(
      () =>
        call("GET", `/v1/shops/${merchant.slug}/orders/${placed.body.id}`, {
          token: placed.body.accessToken,
          headers: asChannel(app),
        }),
      (res) => res.body?.status === "fulfilled",
    );
    expect(delivered.body).toMatchObject({ status: "fulfilled", total: { amount: 1700, currency: "CNY" } });
    expect(delivered.body.items[0].unitPrice).toEqual({ amount: 850, currency: "CNY" });
    expect((await adminOrder(merchant, placed.body.id)).payment).toMatchObject({ status: "succeeded" });
    const [ledger] = await d1Rows<{ amount: number }>(
      "SELECT amount FROM ledger_entries WHERE order_id = ? AND kind = 'payment'",
      placed.body.id,
    );
    expect(ledger?.amount).toBe(1700);
    // Through the shop (no channel key) the app's order is not there at all.
    expect((await getOrder(merchant, placed.body.id, placed.body.accessToken)).status).toBe(404);
  });
});
