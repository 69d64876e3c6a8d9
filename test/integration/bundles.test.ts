import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { assertProperty } from "../support/property";
import { bundle, buy, ledgerRows, product } from "./bundle-kit";
import {
  adminOrder,
  call,
  createMerchant,
  createPartner,
  d1Rows,
  placeOrder,
  stock,
  stockOf,
  type TestMerchant,
  tally,
  verify,
} from "./factories";

const refundItem = (merchant: TestMerchant, orderId: string, itemId: string) =>
  call("POST", `/v1/admin/orders/${orderId}/items/${itemId}/refund`, {
    token: merchant.adminKey,
    json: { reason: "One part was not wanted" },
  });

describe("bundles: one purchase delivers the items of several SKUs", () => {
  let merchant: TestMerchant;
  let partner: { id: string; apiKey: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    partner = await createPartner(merchant);
  });

  it("a video + music membership bundle delivers each component through its own fulfilment, priced by share", async () => {
    const video = await product(merchant, "card_secret", 2500);
    await stock(merchant, video.skuId, 4);
    const music = await product(merchant, "voucher", 1500, { uses: 3 });
    const pack = await bundle(merchant, 3000, [
      { skuId: video.skuId, quantity: 2 },
      { skuId: music.skuId, quantity: 1 },
    ]);
    const { order } = await buy(merchant, [{ skuId: pack.skuId, quantity: 1 }]);

    expect(order.total).toEqual({ amount: 3000, currency: "CNY" });
    expect(order.items).toHaveLength(1);
    // List values 5000 and 1500 share 3000: 2308 and 692, adding up to the price.
    expect(order.items[0]).toMatchObject({
      kind: "bundle",
      quantity: 1,
      amount: { amount: 3000 },
      components: [
        { skuId: video.skuId, kind: "card_secret", quantity: 2, amount: { amount: 2308 }, refundedAt: null },
        { skuId: music.skuId, kind: "voucher", quantity: 1, amount: { amount: 692 }, refundedAt: null },
      ],
    });
    const byComponent = (skuId: string) => order.deliveries.filter((d: { skuId: string }) => d.skuId === skuId);
    expect(byComponent(video.skuId)).toHaveLength(2);
    expect(new Set(byComponent(video.skuId).map((d: { code: string }) => d.code)).size).toBe(2);
    const [voucher] = byComponent(music.skuId);
    expect(voucher.instructions).toBe("How to use this voucher");
    expect((await verify(partner, voucher.code)).body).toMatchObject({ valid: true, remainingUses: 3 });
    expect(await stockOf(merchant, video.skuId)).toEqual({ available: 2, reserved: 0, sold: 2 });
  });

  it("shows what is inside in the shop, with as many on sale as its scarcest component allows", async () => {
    const card = await product(merchant, "card_secret", 1000);
    await stock(merchant, card.skuId, 5);
    const voucher = await product(merchant, "voucher", 500, { listed: false });
    const pack = await bundle(merchant, 1200, [
      { skuId: card.skuId, quantity: 2 },
      { skuId: voucher.skuId, quantity: 3 },
    ]);
    const res = await call("GET", `/v1/shops/${merchant.slug}/products/${pack.productId}`);
    expect(res.status).toBe(200);
    expect(res.body.skus[0]).toMatchObject({
      available: 2,
      renewal: null,
      components: [
        { skuId: card.skuId, quantity: 2, available: 5, listPrice: { amount: 1000 } },
        { skuId: voucher.skuId, quantity: 3, available: null, kind: "voucher" },
      ],
    });
  });

  it("reserves every card-secret component all or nothing: 60 buyers at once, stock for exactly 5 bundles", async () => {
    const scarce = await product(merchant, "card_secret", 800);
    await stock(merchant, scarce.skuId, 10);
    const plenty = await product(merchant, "card_secret", 400);
    await stock(merchant, plenty.skuId, 40);
    const pack = await bundle(merchant, 1500, [
      { skuId: scarce.skuId, quantity: 2 },
      { skuId: plenty.skuId, quantity: 1 },
    ]);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        placeOrder(merchant, [{ skuId: pack.skuId, quantity: 1 }], `b${i}@example.test`),
      ),
    );
    expect(tally(answers)).toEqual({ "201": 5, "409 insufficient_stock": 55 });
    // No refused order kept a unit of the component it could have had.
    expect(await stockOf(merchant, scarce.skuId)).toEqual({ available: 0, reserved: 10, sold: 0 });
    expect(await stockOf(merchant, plenty.skuId)).toEqual({ available: 35, reserved: 5, sold: 0 });
    const [orders] = await d1Rows<{ n: number }>(
      "SELECT count(DISTINCT order_id) AS n FROM order_items WHERE sku_id = ? AND parent_item_id IS NOT NULL",
      scarce.skuId,
    );
    expect(orders?.n).toBe(5);
  });

  it("a SKU bought on its own and inside a bundle in one order is reserved once for the sum, each unit delivered once", async () => {
    const card = await product(merchant, "card_secret", 700);
    await stock(merchant, card.skuId, 3);
    const extra = await product(merchant, "voucher", 300);
    const pack = await bundle(merchant, 900, [
      { skuId: card.skuId, quantity: 2 },
      { skuId: extra.skuId, quantity: 1 },
    ]);
    const tooMany = await placeOrder(merchant, [
      { skuId: pack.skuId, quantity: 1 },
      { skuId: card.skuId, quantity: 2 },
    ]);
    expect(tooMany.status).toBe(409);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 3, reserved: 0, sold: 0 });

    const { order } = await buy(merchant, [
      { skuId: pack.skuId, quantity: 1 },
      { skuId: card.skuId, quantity: 1 },
    ]);
    const codes = order.deliveries
      .filter((d: { skuId: string }) => d.skuId === card.skuId)
      .map((d: { code: string }) => d.code);
    expect(codes).toHaveLength(3);
    expect(new Set(codes).size).toBe(3);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 0, reserved: 0, sold: 3 });
    expect(order.total.amount).toBe(900 + 700);
  });

  it("a bundle with nothing in it cannot be bought (409), and holds no stock", async () => {
    const empty = await product(merchant, "bundle", 1000);
    const res = await placeOrder(merchant, [{ skuId: empty.skuId, quantity: 1 }]);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: "conflict" });
  });

  it("refunds one component exactly: its codes are voided, its share goes back with its own ledger row, the order is partially refunded", async () => {
    const card = await product(merchant, "card_secret", 2000);
    await stock(merchant, card.skuId, 1);
    const voucher = await product(merchant, "voucher", 1000);
    const pack = await bundle(merchant, 2000, [
      { skuId: card.skuId, quantity: 1 },
      { skuId: voucher.skuId, quantity: 1 },
    ]);
    const { order, orderId } = await buy(merchant, [{ skuId: pack.skuId, quantity: 1 }]);
    const [cardPart, voucherPart] = order.items[0].components;
    const code = order.deliveries.find((d: { skuId: string }) => d.skuId === voucher.skuId).code;

    const refunded = await refundItem(merchant, orderId, voucherPart.id);
    expect(refunded.status).toBe(200);
    expect(refunded.body.status).toBe("partially_refunded");
    expect(refunded.body.items[0].components[1].refundedAt).toEqual(expect.any(String));
    expect((await verify(partner, code)).body.status).toBe("voided");
    expect(await ledgerRows(orderId)).toEqual([
      { kind: "payment", amount: 2000, item_id: null },
      { kind: "refund", amount: -667, item_id: voucherPart.id },
    ]);
    // The rest of the order is still delivered: the card secret is on the buyer's page.
    expect((await adminOrder(merchant, orderId)).payment.status).toBe("succeeded");
    expect((await refundItem(merchant, orderId, voucherPart.id)).body.code).toBe("conflict");

    // The last component closes the order as refunded, and the money adds up to what was paid.
    const last = await refundItem(merchant, orderId, cardPart.id);
    expect(last.body).toMatchObject({
      status: "refunded",
      statusReason: "items_refunded",
      payment: { status: "refunded" },
    });
    const rows = await ledgerRows(orderId);
    expect(rows.reduce((total, row) => total + row.amount, 0)).toBe(0);
    expect(rows.map((row) => row.amount)).toEqual([2000, -667, -1333]);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 0, reserved: 0, sold: 1 });
  });

  it("a whole-order refund after one component's gives back exactly the rest", async () => {
    const a = await product(merchant, "voucher", 999);
    const b = await product(merchant, "voucher", 1);
    const pack = await bundle(merchant, 501, [
      { skuId: a.skuId, quantity: 1 },
      { skuId: b.skuId, quantity: 3 },
    ]);
    const { order, orderId } = await buy(merchant, [{ skuId: pack.skuId, quantity: 2 }]);
    expect(order.total.amount).toBe(1002);
    const [first] = order.items[0].components;
    expect((await refundItem(merchant, orderId, first.id)).status).toBe(200);
    const whole = await call("POST", `/v1/admin/orders/${orderId}/refund`, {
      token: merchant.adminKey,
      json: { reason: "All of it, then" },
    });
    expect(whole.body).toMatchObject({ status: "refunded", payment: { status: "refunded" } });
    const rows = await ledgerRows(orderId);
    expect(rows.map((row) => [row.kind, row.amount])).toEqual([
      ["payment", 1002],
      ["refund", -first.amount.amount],
      ["refund", -(1002 - first.amount.amount)],
    ]);
  });

  it("refunds a component once under 20 concurrent requests", async () => {
    const a = await product(merchant, "voucher", 600);
    const b = await product(merchant, "voucher", 400);
    const pack = await bundle(merchant, 800, [
      { skuId: a.skuId, quantity: 1 },
      { skuId: b.skuId, quantity: 1 },
    ]);
    const { order, orderId } = await buy(merchant, [{ skuId: pack.skuId, quantity: 1 }]);
    const itemId = order.items[0].components[0].id;
    const answers = await Promise.all(Array.from({ length: 20 }, () => refundItem(merchant, orderId, itemId)));
    expect(tally(answers)).toEqual({ "200": 1, "409 conflict": 19 });
    expect((await ledgerRows(orderId)).filter((row) => row.kind === "refund")).toEqual([
      { kind: "refund", amount: -480, item_id: itemId },
    ]);
  });

  it("property: refunding a bundle's components one by one, in any order, gives back exactly the price paid", async () => {
    const parts = await Promise.all([137, 1, 9_999, 250, 42].map((price) => product(merchant, "voucher", price)));
    await assertProperty(
      "per-item refunds add up",
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50_000 }),
        fc.subarray([0, 1, 2, 3, 4], { minLength: 2 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 1, max: 3 }),
        async (price, chosen, quantities, lines) => {
          const pack = await bundle(
            merchant,
            price,
            chosen.map((i) => ({ skuId: parts[i]?.skuId ?? "", quantity: quantities[i] ?? 1 })),
          );
          const { order, orderId } = await buy(merchant, [{ skuId: pack.skuId, quantity: lines }]);
          const components = order.items[0].components as { id: string; amount: { amount: number } }[];
          expect(components.reduce((total, c) => total + c.amount.amount, 0)).toBe(price * lines);
          for (const component of [...components].reverse()) {
            expect((await refundItem(merchant, orderId, component.id)).status).toBe(200);
          }
          const rows = await ledgerRows(orderId);
          expect(rows[0]).toMatchObject({ kind: "payment", amount: price * lines });
          expect(rows.reduce((total, row) => total + row.amount, 0)).toBe(0);
          expect((await adminOrder(merchant, orderId)).status).toBe("refunded");
        },
      ),
      { numRuns: 8 },
    );
  });
});
