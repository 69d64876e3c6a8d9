import { beforeAll, describe, expect, it } from "vitest";
import {
  asStaff,
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  deliveredForm,
  deliveredVoucher,
  eventually,
  listAll,
  type Role,
  type TestMerchant,
  type TestStaff,
  tally,
  unique,
  verify,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/desk/redemptions");

describe("POST /v1/admin/desk/redemptions", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partner: { apiKey: string };
  /** A code the refused calls aim at: it must keep its use. */
  let guarded: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partner = await createPartner(merchant);
    guarded = (await deliveredVoucher(merchant)).code;
  });

  it("spends an amount of a stored-value card at the desk, and refuses more than is left with 409 insufficient_balance", async () => {
    const { code } = await deliveredForm(merchant, { form: "balance", balance: 5_000 });
    const res = await call("POST", route.path, { headers: asStaff(team.support), json: { code, amount: 1_800 } });
    expectJson(res, 201);
    expect(res.body).toMatchObject({
      amount: { amount: 1_800, currency: "CNY" },
      code: { status: "active", balance: { amount: 3_200, currency: "CNY" } },
    });
    const over = await call("POST", route.path, { headers: asStaff(team.support), json: { code, amount: 3_201 } });
    await route.expectProblem(over, "insufficient_balance");
    await route.expectProblem(
      await call("POST", route.path, { headers: asStaff(team.support), json: { code } }),
      "amount_required",
    );
    const check = await call("POST", "/v1/admin/desk/verifications", {
      headers: asStaff(team.support),
      json: { code },
    });
    expect(check.body).toMatchObject({
      form: "balance",
      balance: { remaining: { amount: 3_200 }, total: { amount: 5_000 } },
      history: [{ amount: { amount: 1_800, currency: "CNY" }, reversedAt: null }],
    });
  });

  it("redeems once, answering like the partner route, recorded as the staff member's without a partner", async () => {
    const { code } = await deliveredVoucher(merchant);
    const res = await call("POST", route.path, {
      headers: asStaff(team.support),
      json: { code, location: "front desk" },
    });
    expectJson(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^red_/),
      createdAt: expect.any(String),
      code: { status: "redeemed", remainingUses: 0 },
    });
    const again = await call("POST", route.path, { headers: asStaff(team.support), json: { code } });
    await route.expectProblem(again, "code_already_redeemed");

    const listed = await eventually(
      () => listAll("/v1/admin/redemptions", merchant.adminKey),
      (rows) => rows.some((row) => row.id === res.body.id),
    );
    expect(listed.find((row) => row.id === res.body.id)).toMatchObject({
      partnerId: null,
      staffId: team.support.id,
      location: "front desk",
      status: "completed",
    });
    expect((await auditLog(merchant)).find((entry) => entry.action === "redemption.created")).toMatchObject({
      target: res.body.id,
      actor: `staff:${team.support.id}`,
      detail: { location: "front desk" },
    });
  });

  it("takes one use under any concurrency: of ten desk calls at once, one redeems", async () => {
    const { code } = await deliveredVoucher(merchant);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call("POST", route.path, { token: merchant.adminKey, json: { code } })),
    );
    expect(tally(answers)).toEqual({ "201": 1, "409 code_already_redeemed": 9 });
  });

  it("replays an Idempotency-Key instead of taking a second use, and refuses it with another code (422)", async () => {
    const { code } = await deliveredVoucher(merchant, { uses: 3 });
    const another = await deliveredVoucher(merchant, { uses: 3 });
    const key = { "idempotency-key": unique("desk") };
    const first = await call("POST", route.path, { headers: { ...asStaff(team.operator), ...key }, json: { code } });
    expect(first.status).toBe(201);
    const again = await call("POST", route.path, { headers: { ...asStaff(team.operator), ...key }, json: { code } });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect((await verify(partner, code)).body.remainingUses).toBe(2);
    // The other code lives in another ledger, which never saw the key: refused all the same.
    await route.expectProblem(
      await call("POST", route.path, {
        headers: { ...asStaff(team.operator), ...key },
        json: { code: another.code },
      }),
      "idempotency_key_reused",
    );
    expect((await verify(partner, another.code)).body.remainingUses).toBe(3);
  });

  it("refuses a voided code with 409 code_voided, and answers another merchant's code like an unknown one", async () => {
    const voucher = await deliveredVoucher(merchant);
    await call("POST", `/v1/admin/orders/${voucher.orderId}/refund`, {
      token: merchant.adminKey,
      json: { reason: "x" },
    });
    await route.expectProblem(
      await call("POST", route.path, { token: merchant.adminKey, json: { code: voucher.code } }),
      "code_voided",
    );
    const { code } = await deliveredVoucher(merchant);
    const foreign = await call("POST", route.path, { token: other.adminKey, json: { code } });
    const missing = await call("POST", route.path, {
      token: other.adminKey,
      json: { code: "7K3M-Q9XD-4TPA-WN2B-ER5C" },
    });
    await expectForeignLikeMissing(route, foreign, missing, "code_not_found");
    expect((await verify(partner, code)).body.remainingUses).toBe(1);
  });

  it("is for the roles that work the desk: finance gets 403 forbidden and takes no use", async () => {
    const codes: Record<string, string> = {};
    for (const member of Object.values(team)) codes[member.role] = (await deliveredVoucher(merchant)).code;
    const answers = await byRole(team, (headers, member) =>
      call("POST", route.path, { headers, json: { code: codes[member.role] } }),
    );
    for (const role of ["owner", "operator", "support"] as const) expectJson(answers[role], 201);
    await route.expectProblem(answers.finance, "forbidden");
    expect((await verify(partner, codes.finance ?? "")).body.remainingUses).toBe(1);
  });

  it("needs the CSRF token with a cookie", async () => {
    const { code } = await deliveredVoucher(merchant);
    await route.expectProblem(
      await call("POST", route.path, { headers: { cookie: team.owner.cookie }, json: { code } }),
      "csrf_failed",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", route.path, { headers: authorization ? { authorization } : {}, json: { code: guarded } }),
    otherKindKey: () => partner.apiKey,
    observe: async () => (await verify(partner, guarded)).body.remainingUses,
  });
});
