import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createProduct,
  createTeam,
  d1Rows,
  deliveredCardSecret,
  deliveredVoucher,
  eventually,
  placeOrder,
  type Role,
  redeem,
  stock,
  stockOf,
  type TestMerchant,
  type TestStaff,
  tally,
  unique,
  verify,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/orders/{orderId}/refund");
const path = (orderId: string) => `/v1/admin/orders/${orderId}/refund`;
const REASON = { reason: "Customer changed their mind" };

const ledgerOf = (orderId: string) =>
  d1Rows<{ kind: string; amount: number }>(
    "SELECT kind, amount FROM ledger_entries WHERE order_id = ? ORDER BY id",
    orderId,
  );

describe("POST /v1/admin/orders/{orderId}/refund", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partner: { id: string; apiKey: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partner = await createPartner(merchant);
  });

  it("refunds a delivered voucher order: the code is voided, the money goes back once, and it is audited", async () => {
    const voucher = await deliveredVoucher(merchant, { uses: 3 });
    expect((await redeem(partner, voucher.code)).status).toBe(201);
    const res = await call("POST", path(voucher.orderId), { token: merchant.adminKey, json: REASON });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      id: voucher.orderId,
      status: "refunded",
      refundedAt: expect.any(String),
      statusReason: "merchant_refund",
      payment: { status: "refunded" },
      deliveries: [{ codeMasked: expect.any(String) }],
    });
    expect(JSON.stringify(res.body)).not.toContain(voucher.code);
    expect((await verify(partner, voucher.code)).body).toMatchObject({
      valid: false,
      status: "voided",
      remainingUses: 2,
    });
    expect((await redeem(partner, voucher.code)).body.code).toBe("code_voided");
    expect(await ledgerOf(voucher.orderId)).toEqual([
      { kind: "payment", amount: 1999 },
      { kind: "refund", amount: -1999 },
    ]);
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "order.refunded",
      target: voucher.orderId,
      detail: { reason: REASON.reason, from: "fulfilled", vouchersVoided: 1, cardSecretsKept: 0 },
    });
    // The code's read model follows the ledger's `code.voided` event.
    const rows = await eventually(
      () => d1Rows<{ status: string }>("SELECT status FROM codes WHERE order_id = ?", voucher.orderId),
      (found) => found[0]?.status === "voided",
    );
    expect(rows).toEqual([{ status: "voided" }]);
  });

  it("refunds a delivered card-secret order: the secrets cannot come back, so they stay sold and are counted", async () => {
    const card = await deliveredCardSecret(merchant);
    const before = await stockOf(merchant, card.skuId);
    expectJson(await call("POST", path(card.orderId), { token: merchant.adminKey, json: REASON }), 200);
    expect(await stockOf(merchant, card.skuId)).toEqual(before);
    expect((await auditLog(merchant))[0].detail).toMatchObject({ cardSecretsKept: 1, vouchersVoided: 0 });
  });

  it("refunds a paid order not yet delivered: its reserved units go back on sale", async () => {
    const product = await createProduct(merchant, "card_secret");
    await stock(merchant, product.skuId, 2);
    const order = await placeOrder(merchant, [{ skuId: product.skuId, quantity: 1 }]);
    // Paid, with fulfilment not yet run (as when the refund overtakes the delivery).
    const now = Date.now();
    await d1Rows("UPDATE orders SET status = 'paid', paid_at = ? WHERE id = ?", now, order.body.id);
    await d1Rows("UPDATE payments SET status = 'succeeded' WHERE order_id = ?", order.body.id);
    await d1Rows(
      "INSERT INTO ledger_entries (id, merchant_id, order_id, payment_id, kind, amount, currency, created_at) VALUES (?, ?, ?, ?, 'payment', 1999, 'CNY', ?)",
      unique("led"),
      merchant.id,
      order.body.id,
      order.body.payment.id,
      now,
    );
    expect(await stockOf(merchant, product.skuId)).toMatchObject({ available: 1, reserved: 1 });
    expectJson(await call("POST", path(order.body.id), { token: merchant.adminKey, json: REASON }), 200);
    expect(await stockOf(merchant, product.skuId)).toMatchObject({ available: 2, reserved: 0, sold: 0 });
    expect((await ledgerOf(order.body.id)).map((row) => row.kind)).toEqual(["payment", "refund"]);
  });

  it("refuses an unpaid order, and one already refunded, with 409 conflict", async () => {
    const product = await createProduct(merchant, "voucher");
    const unpaid = await placeOrder(merchant, [{ skuId: product.skuId, quantity: 1 }]);
    await route.expectProblem(
      await call("POST", path(unpaid.body.id), { token: merchant.adminKey, json: REASON }),
      "conflict",
    );
    expect(await ledgerOf(unpaid.body.id)).toEqual([]);
    const voucher = await deliveredVoucher(merchant);
    expectJson(await call("POST", path(voucher.orderId), { token: merchant.adminKey, json: REASON }), 200);
    await route.expectProblem(
      await call("POST", path(voucher.orderId), { token: merchant.adminKey, json: REASON }),
      "conflict",
    );
  });

  it("refunds once under concurrent requests, and replays the same Idempotency-Key", async () => {
    const voucher = await deliveredVoucher(merchant);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => call("POST", path(voucher.orderId), { token: merchant.adminKey, json: REASON })),
    );
    expect(tally(answers)).toEqual({ "200": 1, "409 conflict": 3 });
    expect((await ledgerOf(voucher.orderId)).filter((row) => row.kind === "refund")).toHaveLength(1);

    const second = await deliveredVoucher(merchant);
    const key = { "idempotency-key": unique("refund") };
    const first = await call("POST", path(second.orderId), { token: merchant.adminKey, json: REASON, headers: key });
    const again = await call("POST", path(second.orderId), { token: merchant.adminKey, json: REASON, headers: key });
    expectJson(again, 200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("needs a reason: without one, 400 validation_failed", async () => {
    const voucher = await deliveredVoucher(merchant);
    await route.expectProblem(
      await call("POST", path(voucher.orderId), { token: merchant.adminKey, json: { reason: " " } }),
      "validation_failed",
    );
  });

  it("answers another merchant's order exactly like a missing one, refunding nothing", async () => {
    const voucher = await deliveredVoucher(merchant);
    const foreign = await call("POST", path(voucher.orderId), { token: other.adminKey, json: REASON });
    const missing = await call("POST", path("ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey, json: REASON });
    await expectForeignLikeMissing(route, foreign, missing);
    expect((await verify(partner, voucher.code)).body.status).toBe("active");
  });

  it("is for owners and finance: operators and support get 403 forbidden", async () => {
    const orders: Record<string, string> = {};
    for (const member of Object.values(team)) orders[member.role] = (await deliveredVoucher(merchant)).orderId;
    const answers = await byRole(team, (headers, member) =>
      call("POST", path(orders[member.role] ?? ""), { headers, json: REASON }),
    );
    expectJson(answers.owner, 200);
    expectJson(answers.finance, 200);
    await route.expectProblem(answers.operator, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect(await ledgerOf(orders.support ?? "")).toEqual([{ kind: "payment", amount: 1999 }]);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: async (authorization) => {
      const voucher = await deliveredVoucher(merchant);
      return call("POST", path(voucher.orderId), { headers: authorization ? { authorization } : {}, json: REASON });
    },
    otherKindKey: () => partner.apiKey,
    observe: async () =>
      (await d1Rows<{ n: number }>("SELECT count(*) AS n FROM ledger_entries WHERE kind = 'refund'"))[0]?.n,
  });
});
