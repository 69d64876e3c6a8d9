import { beforeAll, describe, expect, it } from "vitest";
import {
  asStaff,
  auditLog,
  call,
  createMerchant,
  createPartner,
  createStaff,
  d1Rows,
  type TestMerchant,
  totpCode,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/me/totp");

describe("POST /v1/admin/me/totp", () => {
  let merchant: TestMerchant;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("starts enrolment with a base32 secret and its otpauth URI; sign-in needs no code until it is confirmed", async () => {
    const member = await createStaff(merchant, "operator");
    const res = await call("POST", route.path, { headers: asStaff(member) });
    expectJson(res, 200);
    expect(res.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(res.body.otpauthUrl);
    expect(url.protocol).toBe("otpauth:");
    expect(decodeURIComponent(url.pathname)).toBe(`/Tessera:${member.email}`);
    expect(url.searchParams.get("secret")).toBe(res.body.secret);
    expect(url.searchParams.get("digits")).toBe("6");
    expect(url.searchParams.get("period")).toBe("30");
    expect((await call("GET", "/v1/admin/me", { headers: asStaff(member) })).body.staff.totpEnabled).toBe(false);
    expectJson(
      await call("POST", "/v1/admin/sessions", { json: { email: member.email, password: member.password } }),
      201,
    );
  });

  it("keeps the secret sealed by the vault, never in plain text", async () => {
    const member = await createStaff(merchant, "support");
    const { secret } = (await call("POST", route.path, { headers: asStaff(member) })).body;
    const [row] = await d1Rows<{ pending: string }>(
      "SELECT totp_pending_secret AS pending FROM staff WHERE id = ?",
      member.id,
    );
    expect(row?.pending).toMatch(/^k2:/);
    expect(row?.pending).not.toContain(secret);
  });

  it("starting again replaces an unconfirmed secret: a code of the old one no longer confirms", async () => {
    const member = await createStaff(merchant, "finance");
    const first = (await call("POST", route.path, { headers: asStaff(member) })).body.secret;
    const second = (await call("POST", route.path, { headers: asStaff(member) })).body.secret;
    expect(second).not.toBe(first);
    const stale = await call("POST", "/v1/admin/me/totp/confirm", {
      headers: asStaff(member),
      json: { code: await totpCode(first) },
    });
    expect(stale.status).toBe(400);
    expectJson(
      await call("POST", "/v1/admin/me/totp/confirm", {
        headers: asStaff(member),
        json: { code: await totpCode(second) },
      }),
      200,
    );
  });

  it("refuses with 409 conflict once two-factor sign-in is on", async () => {
    const member = await createStaff(merchant, "owner");
    const { secret } = (await call("POST", route.path, { headers: asStaff(member) })).body;
    await call("POST", "/v1/admin/me/totp/confirm", {
      headers: asStaff(member),
      json: { code: await totpCode(secret) },
    });
    await route.expectProblem(await call("POST", route.path, { headers: asStaff(member) }), "conflict");
    expect((await auditLog(merchant)).map((entry) => entry.action)).toContain("totp.enabled");
  });

  it("is for staff sessions: an admin API key is 403, and a cookie without the CSRF token is 403 csrf_failed", async () => {
    await route.expectProblem(await call("POST", route.path, { token: merchant.adminKey }), "forbidden");
    const member = await createStaff(merchant, "support");
    await route.expectProblem(await call("POST", route.path, { headers: { cookie: member.cookie } }), "csrf_failed");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("POST", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
