import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createProduct,
  createTeam,
  deliveredVoucher,
  type Role,
  type TestMerchant,
  type TestStaff,
  tally,
} from "../factories";
import { decisionsOf, heldForReview, ledgerKinds, reviewingMerchant } from "../risk-kit";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/risk/reviews/{orderId}/reject");
const path = (orderId: string) => `/v1/admin/risk/reviews/${orderId}/reject`;
const BODY = { reason: "Stolen card" };

describe("POST /v1/admin/risk/reviews/{orderId}/reject", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let skuId: string;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await reviewingMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    skuId = (await createProduct(merchant, "voucher")).skuId;
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("makes a held order refunded, once however many race, logged as overruling the rules' review and audited", async () => {
    const held = await heldForReview(merchant, skuId);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => call("POST", path(held.id), { token: merchant.adminKey, json: BODY })),
    );
    expect(tally(answers)).toEqual({ "200": 1, "409 conflict": 3 });
    const done = answers.find((res) => res.status === 200);
    if (!done) throw new Error("no winner");
    expectJson(done, 200);
    expect(done.body).toMatchObject({ id: held.id, status: "refunded" });
    expect((await ledgerKinds(held.id)).map((row) => row.kind)).toEqual(["payment", "refund"]);
    expect(await decisionsOf(held.id)).toEqual([
      { action: "review", actor: "system", overruled: null },
      { action: "reject", actor: expect.stringMatching(/^key:/), overruled: "review" },
    ]);
    expect((await auditLog(merchant))[0]).toMatchObject({ action: "risk.order_rejected", target: held.id });
  });

  it("needs a reason: a blank one is 400 validation_failed, deciding nothing", async () => {
    const held = await heldForReview(merchant, skuId);
    await route.expectProblem(
      await call("POST", path(held.id), { token: merchant.adminKey, json: { reason: " " } }),
      "validation_failed",
    );
    expect(await decisionsOf(held.id)).toHaveLength(1);
  });

  it("refuses an order that is not held with 409 conflict, deciding nothing", async () => {
    const voucher = await deliveredVoucher(merchant);
    await route.expectProblem(
      await call("POST", path(voucher.orderId), { token: merchant.adminKey, json: BODY }),
      "conflict",
    );
    expect(await decisionsOf(voucher.orderId)).toEqual([]);
  });

  it("answers another merchant's held order exactly like a missing one, and leaves it held", async () => {
    const held = await heldForReview(merchant, skuId);
    const foreign = await call("POST", path(held.id), { token: other.adminKey, json: BODY });
    const missing = await call("POST", path("ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey, json: BODY });
    await expectForeignLikeMissing(route, foreign, missing);
    expect(await decisionsOf(held.id)).toHaveLength(1);
  });

  it("is for owners, operators and finance: support gets 403 forbidden", async () => {
    const held: Record<string, string> = {};
    for (const member of Object.values(team)) held[member.role] = (await heldForReview(merchant, skuId)).id;
    const answers = await byRole(team, (headers, member) =>
      call("POST", path(held[member.role] ?? ""), { headers, json: BODY }),
    );
    expect(Object.fromEntries(Object.entries(answers).map(([role, res]) => [role, res.status]))).toEqual({
      owner: 200,
      operator: 200,
      finance: 200,
      support: 403,
    });
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", path("ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
        headers: authorization ? { authorization } : {},
        json: BODY,
      }),
    otherKindKey: () => partnerKey,
  });
});
