import { beforeAll, describe, expect, it } from "vitest";
import { balanceOf, createReseller, resellerOrder, setPrices, type TestReseller } from "../channel-kit";
import {
  call,
  createMerchant,
  createPartner,
  createProduct,
  d1Rows,
  stock,
  stockOf,
  type TestMerchant,
  unique,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/channel/orders");
const cny = (amount: number) => ({ amount, currency: "CNY" });

describe("POST /v1/channel/orders", () => {
  let merchant: TestMerchant;
  let reseller: TestReseller;
  let card: { skuId: string };
  let voucher: { skuId: string };
  let notOffered: { skuId: string };
  let foreign: { skuId: string };

  const ordersOf = async (r: TestReseller) =>
    (await call("GET", "/v1/channel/orders?limit=100", { token: r.apiKey })).body.data as { id: string }[];

  beforeAll(async () => {
    merchant = await createMerchant();
    card = await createProduct(merchant, "card_secret", undefined, 1000);
    await stock(merchant, card.skuId, 20);
    voucher = await createProduct(merchant, "voucher", { uses: 2 }, 3000);
    notOffered = await createProduct(merchant, "voucher", undefined, 100);
    const other = await createMerchant();
    foreign = await createProduct(other, "voucher");
    reseller = await createReseller(merchant, 10_000);
    await setPrices(merchant, reseller.id, [
      { skuId: card.skuId, price: 700, quota: 10 },
      { skuId: voucher.skuId, price: 2400 },
    ]);
  });

  it("pays from the balance in the order's own write and delivers before answering: codes in the answer", async () => {
    const res = await resellerOrder(reseller, [
      { skuId: card.skuId, quantity: 2 },
      { skuId: voucher.skuId, quantity: 1 },
    ]);
    expectJson(res, 201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^ord_/),
      status: "fulfilled",
      total: cny(2 * 700 + 2400),
      channelId: reseller.id,
      payment: { provider: "balance", status: "succeeded", checkoutUrl: null },
    });
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ skuId: card.skuId, quantity: 2, unitPrice: cny(700) }),
        expect.objectContaining({ skuId: voucher.skuId, quantity: 1, unitPrice: cny(2400) }),
      ]),
    );
    expect(res.body.deliveries).toHaveLength(3);
    expect(res.body).not.toHaveProperty("accessToken");
    expect(await balanceOf(reseller)).toBe(10_000 - 3800);
    const [ledger] = await d1Rows<{ debits: number; payments: number }>(
      `SELECT (SELECT count(*) FROM channel_balance_entries WHERE order_id = ?1 AND kind = 'order_debit' AND amount = -3800) AS debits,
              (SELECT count(*) FROM ledger_entries WHERE order_id = ?1 AND kind = 'payment' AND amount = 3800) AS payments`,
      res.body.id,
    );
    expect(ledger).toEqual({ debits: 1, payments: 1 });
  });

  it("answers 402 insufficient_funds when the balance is short, and then holds and debits nothing", async () => {
    const poor = await createReseller(merchant, 1000);
    await setPrices(merchant, poor.id, [{ skuId: card.skuId, price: 700, quota: 5 }]);
    const stockBefore = await stockOf(merchant, card.skuId);
    const res = await resellerOrder(poor, [{ skuId: card.skuId, quantity: 2 }]);
    await route.expectProblem(res, "insufficient_funds");
    expect(await balanceOf(poor)).toBe(1000);
    expect(await stockOf(merchant, card.skuId)).toEqual(stockBefore);
    expect(await ordersOf(poor)).toEqual([]);
    const [held] = await d1Rows<{ used: number }>(
      "SELECT quota_used AS used FROM channel_prices WHERE channel_id = ? AND sku_id = ?",
      poor.id,
      card.skuId,
    );
    expect(held?.used).toBe(0);
  });

  it("returns the same order for the same Idempotency-Key, and 422 for another body under it", async () => {
    const key = unique("reseller-order");
    const before = await balanceOf(reseller);
    const first = await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 1 }], key);
    const again = await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 1 }], key);
    expectJson(first, 201);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.deliveries).toEqual(first.body.deliveries);
    const otherBody = await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 2 }], key);
    await route.expectProblem(otherBody, "idempotency_key_reused");
    expect(await balanceOf(reseller)).toBe(before - 2400);
  });

  it("refuses a changed price (409 price_changed) and SKUs outside its price list or merchant (404)", async () => {
    const before = await balanceOf(reseller);
    const stale = await resellerOrder(reseller, [{ skuId: card.skuId, quantity: 1, expectedUnitPrice: cny(650) }]);
    await route.expectProblem(stale, "price_changed");
    const fresh = await resellerOrder(reseller, [{ skuId: card.skuId, quantity: 1, expectedUnitPrice: cny(700) }]);
    expectJson(fresh, 201);
    for (const skuId of [notOffered.skuId, foreign.skuId]) {
      await route.expectProblem(await resellerOrder(reseller, [{ skuId, quantity: 1 }]), "not_found");
    }
    expect(await balanceOf(reseller)).toBe(before - 700);
  });

  it("refuses past the quota with 409 quota_exceeded, and past the stock with 409 insufficient_stock", async () => {
    const capped = await createReseller(merchant, 100_000);
    await setPrices(merchant, capped.id, [{ skuId: card.skuId, price: 700, quota: 2 }]);
    await route.expectProblem(await resellerOrder(capped, [{ skuId: card.skuId, quantity: 3 }]), "quota_exceeded");
    expectJson(await resellerOrder(capped, [{ skuId: card.skuId, quantity: 2 }]), 201);
    await route.expectProblem(await resellerOrder(capped, [{ skuId: card.skuId, quantity: 1 }]), "quota_exceeded");
    await setPrices(merchant, capped.id, [{ skuId: card.skuId, price: 700, quota: null }]);
    await route.expectProblem(
      await resellerOrder(capped, [{ skuId: card.skuId, quantity: 100 }]),
      "insufficient_stock",
    );
    expect(await balanceOf(capped)).toBe(100_000 - 1400);
  });

  it("refuses invalid items with 400 validation_failed", async () => {
    for (const items of [[], [{ skuId: card.skuId, quantity: 0 }], [{ skuId: card.skuId, quantity: 1.5 }]]) {
      await route.expectProblem(
        await call("POST", "/v1/channel/orders", { token: reseller.apiKey, json: { items } }),
        "validation_failed",
      );
    }
  });

  it("refuses a suspended reseller with 403 and takes nothing", async () => {
    const paused = await createReseller(merchant, 5000);
    await setPrices(merchant, paused.id, [{ skuId: voucher.skuId, price: 2400 }]);
    await call("PATCH", `/v1/admin/channels/${paused.id}`, { token: merchant.adminKey, json: { status: "suspended" } });
    await route.expectProblem(await resellerOrder(paused, [{ skuId: voucher.skuId, quantity: 1 }]), "forbidden");
    await call("PATCH", `/v1/admin/channels/${paused.id}`, { token: merchant.adminKey, json: { status: "active" } });
    expect(await balanceOf(paused)).toBe(5000);
  });

  itRefusesBadCredentials(route, {
    audience: "channel",
    send: (authorization) =>
      call("POST", "/v1/channel/orders", {
        headers: authorization ? { authorization } : {},
        json: { items: [{ skuId: voucher.skuId, quantity: 1 }] },
      }),
    otherKindKey: () => merchant.adminKey,
    observe: () => balanceOf(reseller),
  });

  it("refuses a partner's key too", async () => {
    const partner = await createPartner(merchant);
    await route.expectProblem(
      await call("POST", "/v1/channel/orders", {
        token: partner.apiKey,
        json: { items: [{ skuId: voucher.skuId, quantity: 1 }] },
      }),
      "unauthorized",
    );
  });
});
