import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  deliveredCardSecret,
  deliveredVoucher,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/orders/{orderId}/deliveries/{deliveryId}/reveal");
const path = (orderId: string, deliveryId: string) => `/v1/admin/orders/${orderId}/deliveries/${deliveryId}/reveal`;
const deliveriesOf = async (merchant: TestMerchant, orderId: string) =>
  (await call("GET", `/v1/admin/orders/${orderId}`, { token: merchant.adminKey })).body.deliveries as { id: string }[];

describe("POST /v1/admin/orders/{orderId}/deliveries/{deliveryId}/reveal", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let card: Awaited<ReturnType<typeof deliveredCardSecret>>;
  let deliveryId: string;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    card = await deliveredCardSecret(merchant, "GIFT-REVEAL");
    deliveryId = (await deliveriesOf(merchant, card.orderId))[0]?.id ?? "";
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("reveals a card secret's full code and PIN, and audits the reveal first", async () => {
    const res = await call("POST", path(card.orderId, deliveryId), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({ code: card.order.deliveries[0].code, secret: card.order.deliveries[0].secret });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const [entry] = await auditLog(merchant);
    expect(entry).toMatchObject({
      action: "delivery.revealed",
      target: deliveryId,
      actor: expect.stringMatching(/^key:/),
      detail: { orderId: card.orderId, codeId: null },
    });
    // The audit entry names the delivery, never the code.
    expect(JSON.stringify(entry)).not.toContain(res.body.code);
  });

  it("reveals a voucher code (no PIN)", async () => {
    const voucher = await deliveredVoucher(merchant);
    const [delivery] = await deliveriesOf(merchant, voucher.orderId);
    const res = await call("POST", path(voucher.orderId, delivery?.id ?? ""), { token: merchant.adminKey });
    expect(res.body).toEqual({ code: voucher.code });
  });

  it("lets owners, operators and finance reveal, each audited; support gets 403 forbidden and no entry", async () => {
    const answers = await byRole(team, (headers) => call("POST", path(card.orderId, deliveryId), { headers }));
    for (const role of ["owner", "operator", "finance"] as const) {
      expectJson(answers[role], 200);
      expect(answers[role].body.code).toBe(card.order.deliveries[0].code);
    }
    await route.expectProblem(answers.support, "forbidden");
    expect(JSON.stringify(answers.support.body)).not.toContain(card.order.deliveries[0].code);
    const reveals = (await auditLog(merchant)).filter((entry) => entry.action === "delivery.revealed");
    const actors = reveals.map((entry) => entry.actorEmail);
    for (const role of ["owner", "operator", "finance"] as const) expect(actors).toContain(team[role].email);
    expect(actors).not.toContain(team.support.email);
  });

  it("answers a delivery of another order, or of another merchant, like a missing one", async () => {
    const second = await deliveredVoucher(merchant);
    await route.expectProblem(
      await call("POST", path(second.orderId, deliveryId), { token: merchant.adminKey }),
      "not_found",
    );
    const foreign = await call("POST", path(card.orderId, deliveryId), { token: other.adminKey });
    const missing = await call("POST", path("ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6", "dlv_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: other.adminKey,
    });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("needs the CSRF token with a cookie: without it, 403 csrf_failed and nothing shown", async () => {
    const res = await call("POST", path(card.orderId, deliveryId), { headers: { cookie: team.owner.cookie } });
    await route.expectProblem(res, "csrf_failed");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", path(card.orderId, deliveryId), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
    observe: async () => (await auditLog(merchant)).length,
  });
});
