import { beforeAll, describe, expect, it } from "vitest";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/staff");

describe("GET /v1/admin/staff", () => {
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

  it("lists the merchant's staff oldest first, with pending invitations, and never a password or token", async () => {
    const pending = await call("POST", route.path, {
      token: merchant.adminKey,
      json: { email: "pending@example.test", name: "Pending", role: "support" },
    });
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(res, 200);
    const emails = res.body.data.map((member: { email: string }) => member.email);
    // The founding owner first and the newest invitation last; the team was invited all at once.
    expect(emails[0]).toBe(merchant.ownerEmail);
    expect(emails.at(-1)).toBe("pending@example.test");
    expect(emails.slice(1, -1).sort()).toEqual(
      Object.values(team)
        .map((member) => member.email)
        .sort(),
    );
    expect(res.body.data[0]).toEqual({
      id: expect.stringMatching(/^stf_/),
      email: merchant.ownerEmail,
      name: expect.any(String),
      role: "owner",
      status: "active",
      totpEnabled: false,
      createdAt: expect.any(String),
      invitedBy: null,
    });
    expect(res.body.data.at(-1)).toMatchObject({
      status: "invited",
      role: "support",
      invitedBy: expect.stringMatching(/^key:/),
    });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(pending.body.inviteToken);
    expect(text).not.toMatch(/password|pbkdf2/i);
  });

  it("shows no other merchant's staff", async () => {
    const res = await call("GET", route.path, { token: other.adminKey });
    expect(res.body.data.map((member: { email: string }) => member.email)).toEqual([other.ownerEmail]);
  });

  it("is for owners only: operator, finance and support get 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("GET", route.path, { headers }));
    expectJson(answers.owner, 200);
    for (const role of ["operator", "finance", "support"] as const) {
      await route.expectProblem(answers[role], "forbidden");
    }
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
