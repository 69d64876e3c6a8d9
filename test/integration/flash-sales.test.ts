import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { customerOf, homeShard } from "@tessera/domain";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../workers/context";
import { loadConfig } from "../../workers/env";
import type { StockShard } from "../../workers/objects/stock-shard";
import { settleFlashSales } from "../../workers/services/flash-sales";
import {
  buyAndDeliver,
  call,
  createFlashSale,
  createMerchant,
  createProduct,
  d1Rows,
  eventually,
  getOrder,
  pay,
  placeOrder,
  stock,
  stockKeeperOf,
  stockOf,
  stockShardOf,
  type TestMerchant,
  unique,
} from "./factories";

/** Every shard's levels, read from the shards themselves. */
async function shardLevels(saleId: string, shards: number) {
  return Promise.all(Array.from({ length: shards }, (_, i) => stockShardOf(saleId, i).levels()));
}

const total = (levels: { available: number; reserved: number; sold: number }[]) => ({
  available: levels.reduce((n, l) => n + l.available, 0),
  reserved: levels.reduce((n, l) => n + l.reserved, 0),
  sold: levels.reduce((n, l) => n + l.sold, 0),
});

/** Fingerprints held by an object's units table. */
function fingerprints(stub: DurableObjectStub) {
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ fingerprint: string }>("SELECT fingerprint FROM units")
      .toArray()
      .map((row) => row.fingerprint),
  );
}

/** `count` emails whose home shard, in a sale of `shards`, is `shard`. */
function emailsOnShard(shard: number, shards: number, count: number): string[] {
  const found: string[] = [];
  for (let i = 0; found.length < count; i++) {
    const email = `${unique("home")}-${i}@example.test`;
    if (homeShard(customerOf(email), shards) === shard) found.push(email);
  }
  return found;
}

async function cardSkuWith(merchant: TestMerchant, units: number) {
  const card = await createProduct(merchant, "card_secret", undefined, 1999);
  await stock(merchant, card.skuId, units);
  return card;
}

describe("flash sales", () => {
  it("moves a card-secret sale's units out of normal stock when created: no unit is in both, and none can be imported again", async () => {
    const merchant = await createMerchant();
    const prefix = unique("FS");
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 10, prefix);
    const sale = await createFlashSale(merchant, card.skuId, { quota: 6, shards: 3 });
    expect(sale).toMatchObject({ quota: 6, shards: 3, status: "open", remaining: 6, stocked: true });

    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 4, reserved: 0, sold: 0 });
    const levels = await shardLevels(sale.id, 3);
    expect(levels.map((level) => level.available)).toEqual([2, 2, 2]);
    const inKeeper = await fingerprints(stockKeeperOf(card.skuId));
    const inSale = (await Promise.all([0, 1, 2].map((i) => fingerprints(stockShardOf(sale.id, i))))).flat();
    expect(inKeeper).toHaveLength(4);
    expect(inSale).toHaveLength(6);
    expect(new Set([...inKeeper, ...inSale]).size).toBe(10);

    // A secret that is on sale is still the SKU's: importing it again is a duplicate.
    const again = await call("POST", `/v1/admin/skus/${card.skuId}/stock`, {
      token: merchant.adminKey,
      json: { items: Array.from({ length: 10 }, (_, i) => ({ code: `${prefix}-${i}`, secret: `S${i}` })) },
    });
    expect(again.body).toMatchObject({ imported: 0, duplicates: 10 });
  });

  it("before it opens: the shop shows its price and opening time, and ordering answers 409 sale_not_started with Retry-After", async () => {
    const merchant = await createMerchant();
    const card = await cardSkuWith(merchant, 5);
    const opensAt = Date.now() + 3_600_000;
    const sale = await createFlashSale(merchant, card.skuId, { quota: 3, price: 500, startsAt: opensAt });
    const refused = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }]);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("sale_not_started");
    expect(refused.body.detail).toContain(new Date(opensAt).toISOString());
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(3_590);
    expect(wait).toBeLessThanOrEqual(3_600);

    const shop = await call("GET", `/v1/shops/${merchant.slug}/products/${card.productId}`);
    expect(shop.body.skus[0].flashSale).toEqual({
      id: sale.id,
      name: expect.any(String),
      price: { amount: 500, currency: "CNY" },
      startsAt: new Date(opensAt).toISOString(),
      endsAt: new Date(opensAt + 3_600_000).toISOString(),
      status: "scheduled",
      remaining: 3,
      perCustomerLimit: 1,
    });
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 2, reserved: 0, sold: 0 });
  });

  it("while open: the line takes the sale price, and the limit per customer holds however the email is spelled", async () => {
    const merchant = await createMerchant();
    const card = await cardSkuWith(merchant, 10);
    const sale = await createFlashSale(merchant, card.skuId, { quota: 8, perCustomerLimit: 2, price: 650, shards: 2 });
    const first = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 2 }], "Ann.Lee+sale@gmail.com");
    expect(first.status).toBe(201);
    expect(first.body.total).toEqual({ amount: 1300, currency: "CNY" });
    expect(first.body.items[0].unitPrice).toEqual({ amount: 650, currency: "CNY" });
    const again = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }], "annlee@gmail.com");
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("sale_limit_exceeded");
    const tooMany = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 3 }], "bob@example.test");
    expect(tooMany.body.code).toBe("sale_limit_exceeded");
    const [item] = await d1Rows<{ flash_sale_id: string; flash_sale_shard: number; unit_amount: number }>(
      "SELECT flash_sale_id, flash_sale_shard, unit_amount FROM order_items WHERE order_id = ?",
      first.body.id,
    );
    expect(item).toEqual({
      flash_sale_id: sale.id,
      flash_sale_shard: homeShard("annlee@gmail.com", 2),
      unit_amount: 650,
    });
    expect(total(await shardLevels(sale.id, 2))).toEqual({ available: 6, reserved: 2, sold: 0 });
    // Normal stock is untouched by sale orders.
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 2, reserved: 0, sold: 0 });
  });

  it("a shard that runs short borrows from its siblings: every buyer on one home shard is served until the whole sale is gone", async () => {
    const merchant = await createMerchant();
    const card = await cardSkuWith(merchant, 8);
    const sale = await createFlashSale(merchant, card.skuId, { quota: 8, shards: 4 });
    const buyers = emailsOnShard(1, 4, 9);
    const answers = [];
    for (const email of buyers) answers.push(await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }], email));
    expect(answers.map((res) => res.status)).toEqual([201, 201, 201, 201, 201, 201, 201, 201, 409]);
    expect(answers[8]?.body.code).toBe("sale_sold_out");
    const levels = await shardLevels(sale.id, 4);
    expect(levels.map((level) => [level.available, level.reserved])).toEqual([
      [0, 0],
      [0, 8],
      [0, 0],
      [0, 0],
    ]);
  });

  it("pays and delivers from the sale's shard; a lapsed reservation and a failed payment return their unit to the sale", async () => {
    const merchant = await createMerchant();
    const card = await cardSkuWith(merchant, 3);
    const sale = await createFlashSale(merchant, card.skuId, { quota: 2, shards: 1, price: 100 });
    const bought = await buyAndDeliver(merchant, card.skuId);
    expect(bought.order.total).toEqual({ amount: 100, currency: "CNY" });
    expect(bought.order.deliveries).toHaveLength(1);
    expect(await stockShardOf(sale.id, 0).levels()).toMatchObject({ available: 1, reserved: 0, sold: 1 });

    const held = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }], "held@example.test");
    expect(held.status).toBe(201);
    expect((await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }], "third@example.test")).body.code).toBe(
      "sale_sold_out",
    );
    const lapsed = await runInDurableObject(stockShardOf(sale.id, 0), (shard: StockShard) =>
      shard.expireReservations(Date.now() + 16 * 60_000),
    );
    expect(lapsed).toBe(1);
    expect(await stockShardOf(sale.id, 0).levels()).toMatchObject({ available: 1, reserved: 0, sold: 1 });
    // The held buyer's count came back with the unit: they may buy again.
    expect(await stockShardOf(sale.id, 0).purchasesOf("held@example.test")).toBe(0);
    await eventually(
      () => d1Rows<{ status: string }>("SELECT status FROM orders WHERE id = ?", held.body.id),
      (rows) => rows[0]?.status === "expired",
    );

    // A failed payment gives the unit back to the sale at once; the next buyer pays and gets it.
    const failing = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }], "declined@example.test");
    expect(failing.status).toBe(201);
    expect(await pay(failing.body.payment.id, "failed")).toMatchObject({ status: 200 });
    await eventually(
      () => stockShardOf(sale.id, 0).levels(),
      (level) => level.available === 1,
    );
    // The first buyer is at the limit of one; another buyer takes the unit that came back.
    expect((await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }])).body.code).toBe("sale_limit_exceeded");
    const next = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }], "next@example.test");
    await pay(next.body.payment.id);
    const delivered = await eventually(
      () => getOrder(merchant, next.body.id, next.body.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(delivered.body.deliveries[0].code).not.toBe(bought.order.deliveries[0].code);
    expect(await stockShardOf(sale.id, 0).levels()).toMatchObject({ available: 0, reserved: 0, sold: 2 });
  });

  it("after it ends the SKU sells at its normal price again, and unsold units (and a hold lapsing later) return to its normal stock", async () => {
    const merchant = await createMerchant();
    const card = await cardSkuWith(merchant, 6);
    const endsAt = Date.now() + 1_500;
    const sale = await createFlashSale(merchant, card.skuId, { quota: 4, shards: 2, price: 300, endsAt });
    const held = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }], "early@example.test");
    expect(held.body.total.amount).toBe(300);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 2, reserved: 0, sold: 0 });

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, endsAt - Date.now()) + 50));
    for (const shard of [0, 1]) await runDurableObjectAlarm(stockShardOf(sale.id, shard));
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 5, reserved: 0, sold: 0 });
    const after = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }], "late@example.test");
    expect(after.status).toBe(201);
    expect(after.body.total).toEqual({ amount: 1999, currency: "CNY" });
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 4, reserved: 1, sold: 0 });

    const home = homeShard("early@example.test", 2);
    await runInDurableObject(stockShardOf(sale.id, home), (shard: StockShard) =>
      shard.expireReservations(Date.now() + 16 * 60_000),
    );
    await runInDurableObject(stockShardOf(sale.id, home), (shard: StockShard) => shard.deliverTransfers());
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 5, reserved: 1, sold: 0 });
    expect(total(await shardLevels(sale.id, 2))).toEqual({ available: 0, reserved: 0, sold: 0 });
    const view = await call("GET", `/v1/admin/flash-sales/${sale.id}`, { token: merchant.adminKey });
    expect(view.body).toMatchObject({ status: "ended", remaining: 0 });
    // The clock notes the sale closed (its shards already were).
    await settleFlashSales(
      createServiceContext(env, loadConfig(env), () => undefined),
      Date.now(),
    );
    const closed = await call("GET", `/v1/admin/flash-sales/${sale.id}`, { token: merchant.adminKey });
    expect(closed.body.closedAt).not.toBeNull();
  });

  it("sells a voucher's quota as a count: each paid order mints a code at the sale price, and the quota sells out exactly", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 2500);
    const sale = await createFlashSale(merchant, voucher.skuId, {
      quota: 3,
      shards: 2,
      perCustomerLimit: 3,
      price: 990,
    });
    const a = await buyAndDeliver(merchant, voucher.skuId, 2);
    expect(a.order.total).toEqual({ amount: 1980, currency: "CNY" });
    expect(a.order.deliveries).toHaveLength(2);
    expect(new Set(a.order.deliveries.map((d: { code: string }) => d.code)).size).toBe(2);
    const over = await placeOrder(merchant, [{ skuId: voucher.skuId, quantity: 2 }], "other@example.test");
    expect(over.body.code).toBe("sale_sold_out");
    const last = await placeOrder(merchant, [{ skuId: voucher.skuId, quantity: 1 }], "other@example.test");
    expect(last.status).toBe(201);
    expect(total(await shardLevels(sale.id, 2))).toEqual({ available: 0, reserved: 1, sold: 2 });
  });

  it("refuses a quota the SKU does not hold (no sale is left behind) and a sale overlapping another of the same SKU", async () => {
    const merchant = await createMerchant();
    const card = await cardSkuWith(merchant, 3);
    const body = (quota: number, startsAt: number) => ({
      skuId: card.skuId,
      price: { amount: 100, currency: "CNY" },
      quota,
      perCustomerLimit: 1,
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + 3_600_000).toISOString(),
    });
    const tooBig = await call("POST", "/v1/admin/flash-sales", { token: merchant.adminKey, json: body(4, Date.now()) });
    expect(tooBig.status).toBe(409);
    expect(tooBig.body.code).toBe("insufficient_stock");
    expect((await call("GET", "/v1/admin/flash-sales", { token: merchant.adminKey })).body.data).toEqual([]);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 3, reserved: 0, sold: 0 });

    const first = await call("POST", "/v1/admin/flash-sales", { token: merchant.adminKey, json: body(1, Date.now()) });
    expect(first.status).toBe(201);
    const overlapping = await call("POST", "/v1/admin/flash-sales", {
      token: merchant.adminKey,
      json: body(1, Date.now() + 1_800_000),
    });
    expect(overlapping.status).toBe(409);
    expect(overlapping.body.code).toBe("conflict");
    const later = await call("POST", "/v1/admin/flash-sales", {
      token: merchant.adminKey,
      json: body(1, Date.now() + 7_200_000),
    });
    expect(later.status).toBe(201);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 1, reserved: 0, sold: 0 });
  });

  it("units a shard lent to a sibling that died before taking them are not lost: the lender's alarm delivers them", async () => {
    const merchant = await createMerchant();
    const card = await cardSkuWith(merchant, 6);
    const sale = await createFlashSale(merchant, card.skuId, { quota: 6, shards: 2 });
    // Shard 0 asks shard 1 for units and dies before adding them: only the lender's side happened.
    const lent = await stockShardOf(sale.id, 1).lend(`${sale.id}:lend:1>0:lost`, 0, 2);
    expect(lent).toHaveLength(2);
    expect((await shardLevels(sale.id, 2)).map((level) => level.available)).toEqual([3, 1]);
    // Asked again under the same transfer id, the lender hands over the same units, no more.
    expect(await stockShardOf(sale.id, 1).lend(`${sale.id}:lend:1>0:lost`, 0, 2)).toEqual(lent);
    await runDurableObjectAlarm(stockShardOf(sale.id, 1));
    expect((await shardLevels(sale.id, 2)).map((level) => level.available)).toEqual([5, 1]);
    // Delivered twice (the alarm again), they are added once.
    await runInDurableObject(stockShardOf(sale.id, 1), (shard: StockShard) => shard.deliverTransfers());
    await stockShardOf(sale.id, 0).receive(
      {
        saleId: sale.id,
        merchantId: merchant.id,
        skuId: card.skuId,
        shards: 2,
        perCustomerLimit: 1,
        startsAt: 0,
        endsAt: 0,
        minted: false,
      },
      0,
      { id: `${sale.id}:lend:1>0:lost`, units: lent },
    );
    expect(total(await shardLevels(sale.id, 2))).toEqual({ available: 6, reserved: 0, sold: 0 });
  });
});
