import { beforeAll, describe, expect, it } from "vitest";
import { bundle, buy, ledgerRows, product } from "../bundle-kit";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  d1Rows,
  placeOrder,
  type Role,
  stock,
  type TestMerchant,
  type TestStaff,
  unique,
  verify,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/orders/{orderId}/items/{itemId}/refund");
const path = (orderId: string, itemId: string) => `/v1/admin/orders/${orderId}/items/${itemId}/refund`;
const REASON = { reason: "The music part was not wanted" };

describe("POST /v1/admin/orders/{orderId}/items/{itemId}/refund", () => {
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

  /** A delivered bundle of a card secret (list 2000) and a voucher (list 1000) sold for 2400. */
  async function deliveredBundle() {
    const card = await product(merchant, "card_secret", 2000);
    await stock(merchant, card.skuId, 1);
    const voucher = await product(merchant, "voucher", 1000);
    const pack = await bundle(merchant, 2400, [
      { skuId: card.skuId, quantity: 1 },
      { skuId: voucher.skuId, quantity: 1 },
    ]);
    const bought = await buy(merchant, [{ skuId: pack.skuId, quantity: 1 }]);
    const [cardPart, voucherPart] = bought.order.items[0].components;
    const code = bought.order.deliveries.find((d: { skuId: string }) => d.skuId === voucher.skuId).code as string;
    return { ...bought, cardPart, voucherPart, code };
  }

  it("refunds a bundle's voucher component: its share back, its code voided, the order partially refunded, audited", async () => {
    const { orderId, voucherPart, code } = await deliveredBundle();
    const res = await call("POST", path(orderId, voucherPart.id), { token: merchant.adminKey, json: REASON });
    expectJson(res, 200);
    expect(res.body).toMatchObject({ id: orderId, status: "partially_refunded", payment: { status: "succeeded" } });
    expect(res.body.items[0].components[1]).toMatchObject({
      id: voucherPart.id,
      amount: { amount: 800 },
      refundedAt: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toContain(code);
    expect((await verify(partner, code)).body.status).toBe("voided");
    expect(await ledgerRows(orderId)).toEqual([
      { kind: "payment", amount: 2400, item_id: null },
      { kind: "refund", amount: -800, item_id: voucherPart.id },
    ]);
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "order.item_refunded",
      target: orderId,
      detail: {
        itemId: voucherPart.id,
        reason: REASON.reason,
        amount: { amount: 800 },
        vouchersVoided: 1,
        cardSecretsKept: 0,
      },
    });
  });

  it("refunds a delivered card-secret component's money; the secret was seen, so it stays sold and is counted", async () => {
    const { orderId, cardPart } = await deliveredBundle();
    expectJson(await call("POST", path(orderId, cardPart.id), { token: merchant.adminKey, json: REASON }), 200);
    expect((await auditLog(merchant))[0].detail).toMatchObject({
      cardSecretsKept: 1,
      vouchersVoided: 0,
      amount: { amount: 1600 },
    });
  });

  it("refuses the bundle line itself, an item refunded already, and an unpaid order's item with 409 conflict", async () => {
    const { orderId, order, voucherPart } = await deliveredBundle();
    await route.expectProblem(
      await call("POST", path(orderId, order.items[0].id), { token: merchant.adminKey, json: REASON }),
      "conflict",
    );
    expectJson(await call("POST", path(orderId, voucherPart.id), { token: merchant.adminKey, json: REASON }), 200);
    await route.expectProblem(
      await call("POST", path(orderId, voucherPart.id), { token: merchant.adminKey, json: REASON }),
      "conflict",
    );
    const voucher = await product(merchant, "voucher", 500);
    const unpaid = await placeOrder(merchant, [{ skuId: voucher.skuId, quantity: 1 }]);
    await route.expectProblem(
      await call("POST", path(unpaid.body.id, unpaid.body.items[0].id), { token: merchant.adminKey, json: REASON }),
      "conflict",
    );
    expect((await ledgerRows(orderId)).filter((row) => row.kind === "refund")).toHaveLength(1);
  });

  it("needs a reason, and an item of this order: another order's item is 404", async () => {
    const first = await deliveredBundle();
    const second = await deliveredBundle();
    await route.expectProblem(
      await call("POST", path(first.orderId, first.voucherPart.id), {
        token: merchant.adminKey,
        json: { reason: " " },
      }),
      "validation_failed",
    );
    await route.expectProblem(
      await call("POST", path(first.orderId, second.voucherPart.id), { token: merchant.adminKey, json: REASON }),
      "not_found",
    );
  });

  it("replays the same Idempotency-Key with the same answer and refunds once", async () => {
    const { orderId, voucherPart } = await deliveredBundle();
    const headers = { "idempotency-key": unique("item-refund") };
    const first = await call("POST", path(orderId, voucherPart.id), {
      token: merchant.adminKey,
      json: REASON,
      headers,
    });
    const again = await call("POST", path(orderId, voucherPart.id), {
      token: merchant.adminKey,
      json: REASON,
      headers,
    });
    expectJson(again, 200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await ledgerRows(orderId)).filter((row) => row.kind === "refund")).toHaveLength(1);
  });

  it("answers another merchant's order item exactly like a missing one, refunding nothing", async () => {
    const { orderId, voucherPart, code } = await deliveredBundle();
    const foreign = await call("POST", path(orderId, voucherPart.id), { token: other.adminKey, json: REASON });
    const missing = await call("POST", path("ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6", "itm_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: other.adminKey,
      json: REASON,
    });
    await expectForeignLikeMissing(route, foreign, missing);
    expect((await verify(partner, code)).body.status).toBe("active");
  });

  it("is for owners and finance: operators and support get 403 forbidden", async () => {
    const bundles: Record<string, Awaited<ReturnType<typeof deliveredBundle>>> = {};
    for (const role of Object.keys(team)) bundles[role] = await deliveredBundle();
    const answers = await byRole(team, (headers, member) => {
      const b = bundles[member.role];
      return call("POST", path(b?.orderId ?? "", b?.voucherPart.id ?? ""), { headers, json: REASON });
    });
    expectJson(answers.owner, 200);
    expectJson(answers.finance, 200);
    await route.expectProblem(answers.operator, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect(await ledgerRows(bundles.support?.orderId ?? "")).toHaveLength(1);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: async (authorization) => {
      const { orderId, voucherPart } = await deliveredBundle();
      return call("POST", path(orderId, voucherPart.id), {
        headers: authorization ? { authorization } : {},
        json: REASON,
      });
    },
    otherKindKey: () => partner.apiKey,
    observe: async () =>
      (await d1Rows<{ n: number }>("SELECT count(*) AS n FROM ledger_entries WHERE item_id IS NOT NULL"))[0]?.n,
  });
});
