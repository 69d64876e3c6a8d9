import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  deliveredVoucher,
  signIn,
  type TestMerchant,
} from "../factories";
import { cookieHeader, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/partners");
const verifications = routeUnderTest("post", "/v1/partner/verifications");

describe("POST /v1/admin/partners", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let code: string;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    code = (await deliveredVoucher(merchant)).code;
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("registers a partner and shows its key once; the key verifies the merchant's codes", async () => {
    const res = await call("POST", route.path, { token: merchant.adminKey, json: { name: "  Café Nord  " } });
    expectJson(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^ptn_/),
      name: "Café Nord",
      apiKey: expect.stringMatching(/^tess_partner_\S{40,}$/),
      createdAt: expect.any(String),
    });
    const verified = await call("POST", verifications.path, { token: res.body.apiKey, json: { code } });
    expectJson(verified, 200);
    expect(verified.body.valid).toBe(true);
  });

  it("issues a different key to every partner", async () => {
    const a = await call("POST", route.path, { token: merchant.adminKey, json: { name: "A" } });
    const b = await call("POST", route.path, { token: merchant.adminKey, json: { name: "A" } });
    expect(a.body.apiKey).not.toBe(b.body.apiKey);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it("refuses an empty name with 400 validation_failed", async () => {
    const res = await call("POST", route.path, { token: merchant.adminKey, json: { name: "   " } });
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors).toContainEqual({ path: "name", message: expect.any(String) });
  });

  it("replays the same Idempotency-Key and body (same key returned, no second partner), and refuses it with another body", async () => {
    const headers = { "idempotency-key": crypto.randomUUID() };
    const first = await call("POST", route.path, { token: merchant.adminKey, json: { name: "Kiosk" }, headers });
    expectJson(first, 201);
    const again = await call("POST", route.path, { token: merchant.adminKey, json: { name: "Kiosk" }, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    await route.expectProblem(
      await call("POST", route.path, { token: merchant.adminKey, json: { name: "Other" }, headers }),
      "idempotency_key_reused",
    );
  });

  it("keeps Idempotency-Keys apart per merchant", async () => {
    const headers = { "idempotency-key": crypto.randomUUID() };
    const mine = await call("POST", route.path, { token: merchant.adminKey, json: { name: "Shared key" }, headers });
    const theirs = await call("POST", route.path, { token: other.adminKey, json: { name: "Shared key" }, headers });
    expectJson(theirs, 201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it("takes a staff session only with the CSRF token", async () => {
    const session = await signIn(merchant);
    await route.expectProblem(
      await call("POST", route.path, { json: { name: "x" }, headers: cookieHeader(session, false) }),
      "csrf_failed",
    );
    expectJson(await call("POST", route.path, { json: { name: "x" }, headers: cookieHeader(session) }), 201);
  });

  it("gives a partner made with another merchant's key no reach into this merchant's codes", async () => {
    const res = await call("POST", route.path, { token: other.adminKey, json: { name: "Intruder" } });
    expectJson(res, 201);
    const foreign = await call("POST", verifications.path, { token: res.body.apiKey, json: { code } });
    await verifications.expectProblem(foreign, "code_not_found");
  });

  it("is for owners and operators: finance and support get 403 forbidden; creation is audited in the same write", async () => {
    const team = await createTeam(merchant);
    const answers = await byRole(team, (headers, member) =>
      call("POST", route.path, { headers, json: { name: `By ${member.role}` } }),
    );
    expectJson(answers.owner, 201);
    expectJson(answers.operator, 201);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "partner.created",
      target: answers.operator.body.id,
      actor: `staff:${team.operator.id}`,
    });
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", route.path, { json: { name: "Nope" }, headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
