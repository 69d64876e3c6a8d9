import { newRedemptionId } from "@tessera/domain";
import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  deliveredVoucher,
  lookupKeyOf,
  type Role,
  redeem,
  type TestMerchant,
  type TestStaff,
  unique,
  verify,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/redemptions/{redemptionId}/reversal");
const path = (id: string) => `/v1/admin/redemptions/${id}/reversal`;
const MISSING = newRedemptionId("00112233445566778899aabbccddeeff");

describe("POST /v1/admin/redemptions/{redemptionId}/reversal", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partner: { id: string; apiKey: string };

  /** A delivered voucher with `uses`, redeemed once by the partner. */
  const redeemed = async (uses = 1) => {
    const voucher = await deliveredVoucher(merchant, { uses });
    const res = await redeem(partner, voucher.code);
    if (res.status !== 201) throw new Error(`redeem: ${res.status}`);
    return { code: voucher.code, id: res.body.id as string };
  };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partner = await createPartner(merchant);
  });

  it("reverses any partner's redemption of the merchant, answering like the partner route, and audits it", async () => {
    const { code, id } = await redeemed();
    const res = await call("POST", path(id), {
      headers: { cookie: team.operator.cookie, "x-csrf-token": team.operator.csrfToken },
    });
    expectJson(res, 200);
    expect(res.body).toEqual({
      id,
      status: "reversed",
      reversedAt: expect.any(String),
      code: { status: "active", remainingUses: 1 },
    });
    expect((await verify(partner, code)).body).toMatchObject({ valid: true, remainingUses: 1 });
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "redemption.reversed",
      target: id,
      actor: `staff:${team.operator.id}`,
    });
  });

  it("refuses a second reversal with 409 already_reversed", async () => {
    const { id } = await redeemed(2);
    expectJson(await call("POST", path(id), { token: merchant.adminKey }), 200);
    await route.expectProblem(await call("POST", path(id), { token: merchant.adminKey }), "already_reversed");
  });

  it("replays the same Idempotency-Key with the first answer", async () => {
    const { id } = await redeemed();
    const key = { "idempotency-key": unique("reverse") };
    const first = await call("POST", path(id), { token: merchant.adminKey, headers: key });
    const again = await call("POST", path(id), { token: merchant.adminKey, headers: key });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("answers another merchant's redemption exactly like a missing one, giving nothing back", async () => {
    const { code, id } = await redeemed();
    const foreign = await call("POST", path(id), { token: other.adminKey });
    const missing = await call("POST", path(MISSING), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
    const forged = newRedemptionId(await lookupKeyOf(merchant.id, code));
    await route.expectProblem(await call("POST", path(forged), { token: other.adminKey }), "not_found");
    await route.expectProblem(await call("POST", path("red_nope"), { token: merchant.adminKey }), "not_found");
    expect((await verify(partner, code)).body.remainingUses).toBe(0);
  });

  it("is for owners, operators and support: finance may read redemptions but gets 403 forbidden here", async () => {
    const targets: Record<string, string> = {};
    for (const member of Object.values(team)) targets[member.role] = (await redeemed()).id;
    const answers = await byRole(team, (headers, member) =>
      call("POST", path(targets[member.role] ?? ""), { headers }),
    );
    for (const role of ["owner", "operator", "support"] as const) expectJson(answers[role], 200);
    await route.expectProblem(answers.finance, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: async (authorization) => {
      const { id } = await redeemed();
      return call("POST", path(id), { headers: authorization ? { authorization } : {} });
    },
    otherKindKey: () => partner.apiKey,
  });
});
