import { beforeAll, describe, expect, it } from "vitest";
import {
  asStaff,
  call,
  createMerchant,
  createPartner,
  createStaff,
  signInWith,
  type TestMerchant,
  type TestStaff,
  tally,
  totpCode,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/me/totp/confirm");
const signIn = routeUnderTest("post", "/v1/admin/sessions");

async function enrol(member: TestStaff): Promise<string> {
  const res = await call("POST", "/v1/admin/me/totp", { headers: asStaff(member) });
  if (res.status !== 200) throw new Error(`enrol: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.secret;
}

describe("POST /v1/admin/me/totp/confirm", () => {
  let merchant: TestMerchant;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("turns two-factor sign-in on: then the password alone is 401 totp_required, and with a code it signs in", async () => {
    const member = await createStaff(merchant, "operator");
    const secret = await enrol(member);
    const res = await call("POST", route.path, {
      headers: asStaff(member),
      json: { code: await totpCode(secret, -1) },
    });
    expectJson(res, 200);
    expect(res.body).toEqual({ totpEnabled: true });
    expect((await call("GET", "/v1/admin/me", { headers: asStaff(member) })).body.staff.totpEnabled).toBe(true);

    const passwordOnly = await call("POST", signIn.path, { json: { email: member.email, password: member.password } });
    await signIn.expectProblem(passwordOnly, "totp_required");
    expect(passwordOnly.headers.get("set-cookie")).toBeNull();
    const wrongPassword = await call("POST", signIn.path, {
      json: { email: member.email, password: "not the password", totp: await totpCode(secret) },
    });
    await signIn.expectProblem(wrongPassword, "invalid_credentials");
    const session = await signInWith(member.email, member.password, await totpCode(secret));
    expect(session.csrfToken).toBeTruthy();
  });

  it("accepts a code once: the same code again (a replay) is refused", async () => {
    const member = await createStaff(merchant, "support");
    const secret = await enrol(member);
    await call("POST", route.path, { headers: asStaff(member), json: { code: await totpCode(secret, -1) } });
    const code = await totpCode(secret);
    const [first, again] = [
      await call("POST", signIn.path, { json: { email: member.email, password: member.password, totp: code } }),
      await call("POST", signIn.path, { json: { email: member.email, password: member.password, totp: code } }),
    ];
    expectJson(first, 201);
    await signIn.expectProblem(again, "invalid_credentials");
  });

  it("refuses a wrong code with 400 validation_failed and leaves two-factor sign-in off", async () => {
    const member = await createStaff(merchant, "finance");
    const secret = await enrol(member);
    const right = await totpCode(secret);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    const res = await call("POST", route.path, { headers: asStaff(member), json: { code: wrong } });
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors).toEqual([{ path: "code", message: expect.any(String) }]);
    expect((await call("GET", "/v1/admin/me", { headers: asStaff(member) })).body.staff.totpEnabled).toBe(false);
  });

  it("refuses with 409 conflict before enrolment started, or when it is already on", async () => {
    const member = await createStaff(merchant, "owner");
    await route.expectProblem(
      await call("POST", route.path, { headers: asStaff(member), json: { code: "123456" } }),
      "conflict",
    );
    const secret = await enrol(member);
    expectJson(
      await call("POST", route.path, { headers: asStaff(member), json: { code: await totpCode(secret, -1) } }),
      200,
    );
    await route.expectProblem(
      await call("POST", route.path, { headers: asStaff(member), json: { code: await totpCode(secret) } }),
      "conflict",
    );
  });

  it("allows ten codes in 15 minutes, then answers 429 rate_limited with Retry-After", async () => {
    const member = await createStaff(merchant, "support");
    await enrol(member);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        call("POST", route.path, { headers: asStaff(member), json: { code: "000000" } }),
      ),
    );
    const counts = tally(answers);
    expect(counts["429 rate_limited"]).toBe(2);
    const limited = answers.find((res) => res.status === 429);
    if (!limited) throw new Error("not limited");
    await route.expectProblem(limited, "rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("is for staff sessions: an admin API key is 403 forbidden", async () => {
    await route.expectProblem(
      await call("POST", route.path, { token: merchant.adminKey, json: { code: "123456" } }),
      "forbidden",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", route.path, { headers: authorization ? { authorization } : {}, json: { code: "123456" } }),
    otherKindKey: () => partnerKey,
  });
});
