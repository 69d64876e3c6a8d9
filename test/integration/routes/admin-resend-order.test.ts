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
  deliveredVoucher,
  placeOrder,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/orders/{orderId}/resend");
const path = (orderId: string) => `/v1/admin/orders/${orderId}/resend`;
const notificationsOf = (orderId: string) =>
  d1Rows<{ id: string; kind: string; email: string; status: string }>(
    "SELECT id, kind, email, status FROM notifications WHERE order_id = ? ORDER BY id",
    orderId,
  );

describe("POST /v1/admin/orders/{orderId}/resend", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let orderId: string;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    orderId = (await deliveredVoucher(merchant)).orderId;
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("queues the delivery e-mail again (202), recorded in notifications and the audit log", async () => {
    const res = await call("POST", path(orderId), { token: merchant.adminKey });
    expectJson(res, 202);
    expect(res.body).toEqual({ notificationId: expect.stringMatching(/^ntf_/) });
    expect(await notificationsOf(orderId)).toEqual([
      { id: res.body.notificationId, kind: "delivery", email: "buyer@example.test", status: "queued" },
    ]);
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "order.resent",
      target: orderId,
      detail: { notificationId: res.body.notificationId },
    });
  });

  it("refuses an order not delivered with 409 conflict", async () => {
    const product = await createProduct(merchant, "voucher");
    const unpaid = await placeOrder(merchant, [{ skuId: product.skuId, quantity: 1 }]);
    await route.expectProblem(await call("POST", path(unpaid.body.id), { token: merchant.adminKey }), "conflict");
    expect(await notificationsOf(unpaid.body.id)).toEqual([]);
  });

  it("answers another merchant's order exactly like a missing one", async () => {
    const foreign = await call("POST", path(orderId), { token: other.adminKey });
    const missing = await call("POST", path("ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is for owners, operators and support: finance gets 403 forbidden", async () => {
    const before = (await notificationsOf(orderId)).length;
    const answers = await byRole(team, (headers) => call("POST", path(orderId), { headers }));
    for (const role of ["owner", "operator", "support"] as const) expectJson(answers[role], 202);
    await route.expectProblem(answers.finance, "forbidden");
    expect(await notificationsOf(orderId)).toHaveLength(before + 3);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("POST", path(orderId), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
    observe: async () => (await notificationsOf(orderId)).length,
  });
});
