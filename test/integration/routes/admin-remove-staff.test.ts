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
import { expectForeignLikeMissing, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("delete", "/v1/admin/staff/{staffId}");
const path = (id: string) => `/v1/admin/staff/${id}`;
const staffEmails = async (merchant: TestMerchant) =>
  (await call("GET", "/v1/admin/staff", { token: merchant.adminKey })).body.data.map((m: { email: string }) => m.email);

describe("DELETE /v1/admin/staff/{staffId}", () => {
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

  it("removes a member: their session ends at once, they cannot sign in, and the audit log keeps their name", async () => {
    const member = await createStaff(merchant, "operator");
    await call("POST", "/v1/admin/partners", { headers: asStaff(member), json: { name: "Partner by a leaver" } });
    const res = await call("DELETE", path(member.id), { headers: asStaff(team.owner) });
    expect(res.status).toBe(204);
    expect((await call("GET", "/v1/admin/me", { headers: asStaff(member) })).status).toBe(401);
    const signIn = await call("POST", "/v1/admin/sessions", {
      json: { email: member.email, password: member.password },
    });
    expect(signIn.body.code).toBe("invalid_credentials");
    expect(await staffEmails(merchant)).not.toContain(member.email);
    const log = await auditLog(merchant);
    expect(log[0]).toMatchObject({ action: "staff.removed", target: member.id, actor: `staff:${team.owner.id}` });
    expect(log.find((entry) => entry.action === "partner.created")).toMatchObject({ actorEmail: member.email });
  });

  it("a removed member may be invited again", async () => {
    const member = await createStaff(merchant, "support");
    await call("DELETE", path(member.id), { token: merchant.adminKey });
    const again = await call("POST", "/v1/admin/staff", {
      token: merchant.adminKey,
      json: { email: member.email, name: "Back", role: "finance" },
    });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(member.id);
  });

  it("refuses to remove yourself, or the last owner, with 409 conflict", async () => {
    await route.expectProblem(await call("DELETE", path(team.owner.id), { headers: asStaff(team.owner) }), "conflict");
    const lone = await createMerchant();
    const owner = (await call("GET", "/v1/admin/staff", { token: lone.adminKey })).body.data[0];
    await route.expectProblem(await call("DELETE", path(owner.id), { token: lone.adminKey }), "conflict");
    expect(await staffEmails(lone)).toEqual([lone.ownerEmail]);
  });

  it("answers an unknown member, a removed one, and another merchant's with the same 404 not_found", async () => {
    const foreign = await call("DELETE", path(team.finance.id), { token: other.adminKey });
    const missing = await call("DELETE", path("stf_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
    const member = await createStaff(merchant, "support");
    expect((await call("DELETE", path(member.id), { token: merchant.adminKey })).status).toBe(204);
    await route.expectProblem(await call("DELETE", path(member.id), { token: merchant.adminKey }), "not_found");
  });

  it("is for owners only: other roles get 403 forbidden and the member stays", async () => {
    const target = await createStaff(merchant, "support");
    const answers = await byRole(team, (headers, member) =>
      member.role === "owner" ? Promise.resolve(null as never) : call("DELETE", path(target.id), { headers }),
    );
    for (const role of ["operator", "finance", "support"] as const) {
      await route.expectProblem(answers[role], "forbidden");
    }
    expect(await staffEmails(merchant)).toContain(target.email);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("DELETE", path(team.support.id), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
    observe: () => staffEmails(merchant),
  });
});
