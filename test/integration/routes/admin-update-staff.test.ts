import { beforeAll, describe, expect, it } from "vitest";
import {
  asStaff,
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createStaff,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("patch", "/v1/admin/staff/{staffId}");
const path = (id: string) => `/v1/admin/staff/${id}`;

describe("PATCH /v1/admin/staff/{staffId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("changes a member's role, which their live session follows at once, and audits it", async () => {
    const member = await createStaff(merchant, "support");
    expect((await call("GET", "/v1/admin/partners", { headers: asStaff(member) })).status).toBe(403);
    const res = await call("PATCH", path(member.id), { headers: asStaff(team.owner), json: { role: "operator" } });
    expectJson(res, 200);
    expect(res.body).toMatchObject({ id: member.id, email: member.email, role: "operator", status: "active" });
    expectJson(await call("GET", "/v1/admin/partners", { headers: asStaff(member) }), 200);
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "staff.role_changed",
      target: member.id,
      actor: `staff:${team.owner.id}`,
      detail: { from: "support", to: "operator" },
    });
  });

  it("never leaves a merchant without an owner: the last owner cannot step down (409)", async () => {
    const lone = await createMerchant();
    const owner = (await call("GET", "/v1/admin/staff", { token: lone.adminKey })).body.data[0];
    await route.expectProblem(
      await call("PATCH", path(owner.id), { token: lone.adminKey, json: { role: "finance" } }),
      "conflict",
    );
    const second = await createStaff(lone, "operator");
    expectJson(await call("PATCH", path(second.id), { token: lone.adminKey, json: { role: "owner" } }), 200);
    expectJson(await call("PATCH", path(owner.id), { token: lone.adminKey, json: { role: "finance" } }), 200);
  });

  it("lets only one of two owners demoting each other at once succeed", async () => {
    const pair = await createMerchant();
    const a = await createStaff(pair, "owner");
    const founder = (await call("GET", "/v1/admin/staff", { token: pair.adminKey })).body.data[0];
    await call("PATCH", path(founder.id), { token: pair.adminKey, json: { role: "support" } });
    const b = await createStaff(pair, "owner");
    const answers = await Promise.all([
      call("PATCH", path(b.id), { headers: asStaff(a), json: { role: "support" } }),
      call("PATCH", path(a.id), { headers: asStaff(b), json: { role: "support" } }),
    ]);
    expect(answers.map((res) => res.status).sort()).toEqual([200, 409]);
    const owners = (await call("GET", "/v1/admin/staff", { token: pair.adminKey })).body.data.filter(
      (member: { role: string }) => member.role === "owner",
    );
    expect(owners).toHaveLength(1);
  });

  it("answers an unknown member, and another merchant's, with the same 404 not_found", async () => {
    const foreign = await call("PATCH", path(team.support.id), { token: other.adminKey, json: { role: "owner" } });
    const missing = await call("PATCH", path("stf_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: other.adminKey,
      json: { role: "owner" },
    });
    await expectForeignLikeMissing(route, foreign, missing);
    expect((await call("GET", "/v1/admin/me", { headers: asStaff(team.support) })).body.staff.role).toBe("support");
  });

  it("refuses an unknown role with 400 validation_failed", async () => {
    await route.expectProblem(
      await call("PATCH", path(team.support.id), { token: merchant.adminKey, json: { role: "admin" } }),
      "validation_failed",
    );
  });

  it("is for owners only: other roles get 403 forbidden (they cannot promote themselves)", async () => {
    const answers = await byRole(team, (headers, member) =>
      call("PATCH", path(member.id), { headers, json: { role: "owner" } }),
    );
    expectJson(answers.owner, 200);
    for (const role of ["operator", "finance", "support"] as const) {
      await route.expectProblem(answers[role], "forbidden");
      expect((await call("GET", "/v1/admin/me", { headers: asStaff(team[role]) })).body.staff.role).toBe(role);
    }
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("PATCH", path(team.support.id), {
        headers: authorization ? { authorization } : {},
        json: { role: "owner" },
      }),
    otherKindKey: () => partnerKey,
    observe: async () => (await call("GET", "/v1/admin/me", { headers: asStaff(team.support) })).body.staff.role,
  });
});
