import { beforeAll, describe, expect, it } from "vitest";
import {
  asStaff,
  auditLog,
  call,
  createMerchant,
  createPartner,
  createStaff,
  signInWith,
  type TestMerchant,
  type TestStaff,
  totpCode,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("delete", "/v1/admin/me/totp");

/** Turns TOTP on for a member (confirming with the previous step's code); returns the secret. */
async function turnOn(member: TestStaff): Promise<string> {
  const { secret } = (await call("POST", "/v1/admin/me/totp", { headers: asStaff(member) })).body;
  const res = await call("POST", "/v1/admin/me/totp/confirm", {
    headers: asStaff(member),
    json: { code: await totpCode(secret, -1) },
  });
  if (res.status !== 200) throw new Error(`confirm: ${res.status} ${JSON.stringify(res.body)}`);
  return secret;
}

describe("DELETE /v1/admin/me/totp", () => {
  let merchant: TestMerchant;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("turns two-factor sign-in off with a current code: the password alone signs in again", async () => {
    const member = await createStaff(merchant, "operator");
    const secret = await turnOn(member);
    const res = await call("DELETE", route.path, { headers: asStaff(member), json: { code: await totpCode(secret) } });
    expectJson(res, 200);
    expect(res.body).toEqual({ totpEnabled: false });
    await signInWith(member.email, member.password);
    const totpEntries = (await auditLog(merchant)).filter(
      (entry) => entry.target === member.id && entry.action.startsWith("totp."),
    );
    expect(totpEntries.map((entry) => [entry.action, entry.actor])).toEqual([
      ["totp.disabled", `staff:${member.id}`],
      ["totp.enabled", `staff:${member.id}`],
    ]);
  });

  it("refuses a wrong code with 400 validation_failed and keeps two-factor sign-in on", async () => {
    const member = await createStaff(merchant, "support");
    const secret = await turnOn(member);
    const right = await totpCode(secret);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    await route.expectProblem(
      await call("DELETE", route.path, { headers: asStaff(member), json: { code: wrong } }),
      "validation_failed",
    );
    expect((await call("GET", "/v1/admin/me", { headers: asStaff(member) })).body.staff.totpEnabled).toBe(true);
  });

  it("refuses with 409 conflict when two-factor sign-in is off", async () => {
    const member = await createStaff(merchant, "finance");
    await route.expectProblem(
      await call("DELETE", route.path, { headers: asStaff(member), json: { code: "123456" } }),
      "conflict",
    );
  });

  it("is for staff sessions, with the CSRF token: a key is 403 forbidden, a bare cookie 403 csrf_failed", async () => {
    await route.expectProblem(
      await call("DELETE", route.path, { token: merchant.adminKey, json: { code: "123456" } }),
      "forbidden",
    );
    const member = await createStaff(merchant, "owner");
    const secret = await turnOn(member);
    await route.expectProblem(
      await call("DELETE", route.path, { headers: { cookie: member.cookie }, json: { code: await totpCode(secret) } }),
      "csrf_failed",
    );
    expect((await call("GET", "/v1/admin/me", { headers: asStaff(member) })).body.staff.totpEnabled).toBe(true);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("DELETE", route.path, { headers: authorization ? { authorization } : {}, json: { code: "123456" } }),
    otherKindKey: () => partnerKey,
  });
});
