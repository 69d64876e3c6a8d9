import { beforeAll, describe, expect, it } from "vitest";
import {
  asStaff,
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  d1Rows,
  type Role,
  type TestMerchant,
  type TestStaff,
  unique,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/staff");
const newEmail = () => `${unique("invitee").toLowerCase()}@example.test`;

describe("POST /v1/admin/staff", () => {
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

  it("invites a member and shows the token once: only its hash is stored, and it lapses in 7 days", async () => {
    const email = newEmail();
    const res = await call("POST", route.path, {
      headers: asStaff(team.owner),
      json: { email: email.toUpperCase(), name: "New Support", role: "support" },
    });
    expectJson(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^stf_/),
      email,
      role: "support",
      inviteToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
    });
    const days = (Date.parse(res.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    const rows = await d1Rows<{ hash: string; status: string; invited_by: string }>(
      "SELECT invite_token_hash AS hash, status, invited_by FROM staff WHERE id = ?",
      res.body.id,
    );
    expect(rows[0]).toMatchObject({ status: "invited", invited_by: `staff:${team.owner.id}` });
    expect(rows[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(res.body.inviteToken);
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "staff.invited",
      target: res.body.id,
      actor: `staff:${team.owner.id}`,
      actorEmail: team.owner.email,
      detail: { email, role: "support" },
    });
  });

  it("an invited member cannot sign in before accepting", async () => {
    const email = newEmail();
    await call("POST", route.path, { token: merchant.adminKey, json: { email, name: "X", role: "operator" } });
    const res = await call("POST", "/v1/admin/sessions", { json: { email, password: "!" } });
    expect(res.body.code).toBe("invalid_credentials");
  });

  it("inviting a pending member again issues a new token; the old one stops working", async () => {
    const email = newEmail();
    const first = await call("POST", route.path, {
      token: merchant.adminKey,
      json: { email, name: "A", role: "support" },
    });
    const second = await call("POST", route.path, {
      token: merchant.adminKey,
      json: { email, name: "A", role: "finance" },
    });
    expectJson(second, 201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.role).toBe("finance");
    const stale = await call("POST", "/v1/admin/invitations/accept", {
      json: { token: first.body.inviteToken, password: "a long enough password" },
    });
    expect(stale.status).toBe(404);
    expectJson(
      await call("POST", "/v1/admin/invitations/accept", {
        json: { token: second.body.inviteToken, password: "a long enough password" },
      }),
      201,
    );
  });

  it("refuses an email already in use, here or at another merchant, with 409 conflict", async () => {
    await route.expectProblem(
      await call("POST", route.path, {
        token: merchant.adminKey,
        json: { email: team.support.email, name: "Again", role: "support" },
      }),
      "conflict",
    );
    await route.expectProblem(
      await call("POST", route.path, {
        token: merchant.adminKey,
        json: { email: other.ownerEmail, name: "Theirs", role: "support" },
      }),
      "conflict",
    );
  });

  it("refuses a bad email or an unknown role with 400 validation_failed", async () => {
    const res = await call("POST", route.path, {
      token: merchant.adminKey,
      json: { email: "not an email", name: "X", role: "admin" },
    });
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(["email", "role"]);
  });

  it("replays the same Idempotency-Key with the first answer instead of a second invitation", async () => {
    const email = newEmail();
    const send = () =>
      call("POST", route.path, {
        token: merchant.adminKey,
        json: { email, name: "Once", role: "support" },
        headers: { "idempotency-key": `invite-${email}` },
      });
    const first = await send();
    const again = await send();
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("is for owners only: other roles get 403 forbidden and nobody is invited", async () => {
    const answers = await byRole(team, (headers, member) =>
      call("POST", route.path, {
        headers,
        json: { email: `by-${member.role}-${newEmail()}`, name: "X", role: "owner" },
      }),
    );
    expectJson(answers.owner, 201);
    for (const role of ["operator", "finance", "support"] as const) {
      await route.expectProblem(answers[role], "forbidden");
    }
    const staff = await call("GET", route.path, { token: merchant.adminKey });
    const invited = staff.body.data.filter((member: { email: string }) => member.email.startsWith("by-"));
    expect(invited.map((member: { email: string }) => member.email.split("-")[1])).toEqual(["owner"]);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", route.path, {
        headers: authorization ? { authorization } : {},
        json: { email: "refused@example.test", name: "X", role: "owner" },
      }),
    otherKindKey: () => partnerKey,
    observe: async () => (await call("GET", route.path, { token: merchant.adminKey })).body.data.length,
  });
});
