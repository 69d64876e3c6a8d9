import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createMerchant,
  createProduct,
  d1Rows,
  eventually,
  getOrder,
  pay,
  placeOrder,
  type TestMerchant,
} from "./factories";
import {
  approvedSupplier,
  bindSku,
  createTopUpProduct,
  deliverSupplierMessages,
  relay,
  runCron,
  syncNow,
  today,
} from "./supply-kit";

/**
 * Supplier reconciliation, per supplier and day: what we ordered, what the supplier's own
 * statement confirms, what we paid — and every order where the three disagree, for finance.
 */

describe("supplier reconciliation", () => {
  let merchant: TestMerchant;
  let supplier: Awaited<ReturnType<typeof approvedSupplier>>;
  let orderNos: string[];

  const reconcile = (date = today(), id = supplier.supplierId) =>
    call("GET", `/v1/admin/suppliers/${id}/reconciliation?date=${date}`, { token: merchant.adminKey });

  beforeAll(async () => {
    merchant = await createMerchant();
    supplier = await approvedSupplier(merchant);
    const { skuId: topUp } = await createTopUpProduct(merchant);
    const { skuId: cards } = await createProduct(merchant, "card_secret", undefined, 2_990);
    await bindSku(merchant, topUp, [{ supplierId: supplier.supplierId, productId: "MOBILE-100", cost: 9_800 }]);
    await bindSku(merchant, cards, [{ supplierId: supplier.supplierId, productId: "VIDEO-MONTH", cost: 2_200 }]);
    await syncNow(merchant, supplier.supplierId);
    const orders = [];
    for (const phone of ["13800000001", "13800000002"]) {
      const res = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
        json: { email: "buyer@example.test", items: [{ skuId: topUp, quantity: 1, recipient: { phone } }] },
      });
      orders.push(res.body);
      await pay(res.body.payment.id);
    }
    const cardOrder = await placeOrder(merchant, [{ skuId: cards, quantity: 1 }]);
    orders.push(cardOrder.body);
    await pay(cardOrder.body.payment.id);
    await eventually(
      () => supplier.sandbox.orders(),
      (upstream) => upstream.length === 3,
    );
    await relay(supplier.account, 4);
    for (const order of orders) {
      await eventually(
        () => getOrder(merchant, order.id, order.accessToken),
        (res) => res.body.status === "fulfilled",
      );
    }
    orderNos = (await supplier.sandbox.orders()).map((upstream) => upstream.merchantOrderNo);
  });

  it("agrees with a supplier whose statement matches: ordered = confirmed = paid, no mismatch", async () => {
    const res = await reconcile();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      supplierId: supplier.supplierId,
      date: today(),
      currency: "CNY",
      ordered: { orders: 3, amount: 9_800 * 2 + 2_200 },
      confirmed: { orders: 3, amount: 9_800 * 2 + 2_200 },
      paid: { orders: 3, amount: 9_800 * 2 + 2_200 },
      mismatches: [],
    });
  });

  it("lists every planted mismatch: an overcharge, an order it says failed, and an order we never placed", async () => {
    const [overcharged, disowned] = orderNos;
    await supplier.sandbox.bill({
      adjust: [
        { merchantOrderNo: overcharged, amount: 9_900 },
        { merchantOrderNo: disowned, status: "failed" },
      ],
      extra: [
        {
          orderNo: "SO-PLANTED-1",
          merchantOrderNo: "spo_NOT_OURS_0000000000000000",
          productId: "MOBILE-100",
          quantity: 1,
          status: "success",
          amount: { amount: 9_800, currency: "CNY" },
          createdAt: Date.now(),
        },
      ],
    });
    const res = await reconcile();
    expect(res.status).toBe(200);
    expect(res.body.confirmed).toEqual({ orders: 3, amount: 9_900 + 2_200 + 9_800 });
    expect(res.body.paid).toEqual({ orders: 3, amount: 9_800 * 2 + 2_200 });
    const found = res.body.mismatches.map((m: { kind: string; merchantOrderNo: string }) => [
      m.kind,
      m.merchantOrderNo,
    ]);
    expect(found.sort()).toEqual(
      [
        ["amount_mismatch", overcharged],
        ["paid_mismatch", overcharged],
        ["not_confirmed", disowned],
        ["unknown_order", "spo_NOT_OURS_0000000000000000"],
      ].sort(),
    );
    const overcharge = res.body.mismatches.find((m: { kind: string }) => m.kind === "amount_mismatch");
    expect(overcharge).toMatchObject({
      ordered: { status: "succeeded", amount: 9_800 },
      confirmed: { status: "succeeded", amount: 9_900 },
      paid: 9_800,
    });
    // The report is kept for finance.
    expect(
      await d1Rows(
        "SELECT mismatches FROM supplier_reconciliations WHERE supplier_id = ? AND day = ?",
        supplier.supplierId,
        today(),
      ),
    ).toEqual([{ mismatches: 4 }]);
  });

  it("finds a payment we never recorded for an order the supplier delivered", async () => {
    const [, , third] = orderNos;
    await d1Rows("DELETE FROM supplier_settlements WHERE supplier_order_id = ?", third);
    const res = await reconcile();
    expect(res.body.mismatches).toContainEqual(
      expect.objectContaining({ kind: "unpaid", merchantOrderNo: third, paid: 0 }),
    );
  });

  it("a day without orders reconciles to zero", async () => {
    const res = await reconcile("2020-01-01");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ordered: { orders: 0, amount: 0 }, confirmed: { orders: 0 }, mismatches: [] });
  });

  it("the daily cron reconciles yesterday for every approved supplier through the supplier queue", async () => {
    const other = await approvedSupplier(merchant);
    const tomorrowHalfPastMidnight = Date.parse(`${today()}T00:30:00Z`) + 86_400_000;
    await runCron(tomorrowHalfPastMidnight);
    const rows = await eventually(
      () => d1Rows("SELECT day FROM supplier_reconciliations WHERE supplier_id = ?", other.supplierId),
      (found) => found.length === 1,
      20_000,
    );
    expect(rows).toEqual([{ day: today() }]);
    // A queue redelivery of the same message changes nothing but the report's time.
    await deliverSupplierMessages([{ type: "reconcile", supplierId: other.supplierId, date: today() }]);
    expect(
      await d1Rows("SELECT day FROM supplier_reconciliations WHERE supplier_id = ?", other.supplierId),
    ).toHaveLength(1);
  });
});
