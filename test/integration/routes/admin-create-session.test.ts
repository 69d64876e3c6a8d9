import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createMerchant,
  createProduct,
  placeOrder,
  signIn,
  type TestMerchant,
  tally,
  unique,
} from "../factories";
import { cookieHeader, expectForeignLikeMissing, expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/sessions");
const listOrders = routeUnderTest("get", "/v1/admin/orders");
const getOrder = routeUnderTest("get", "/v1/admin/orders/{orderId}");
const createProductRoute = routeUnderTest("post", "/v1/admin/products");

const newProduct = () => ({
  name: unique("p"),
  kind: "voucher",
  skus: [{ name: "s", price: { amount: 100, currency: "CNY" } }],
});

describe("POST /v1/admin/sessions", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let orderId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    const { skuId } = await createProduct(merchant, "voucher");
    orderId = (await placeOrder(merchant, [{ skuId, quantity: 1 }])).body.id;
  });

  it("signs staff in with an HttpOnly, Secure, SameSite=Strict session cookie and a CSRF token", async () => {
    const res = await call("POST", route.path, {
      json: { email: merchant.ownerEmail, password: merchant.ownerPassword },
    });
    expectJson(res, 201);
    expect(res.body).toEqual({
      csrfToken: expect.any(String),
      expiresAt: expect.any(String),
      staff: {
        id: expect.stringMatching(/^stf_/),
        email: merchant.ownerEmail,
        name: expect.any(String),
        role: "owner",
        merchantId: merchant.id,
      },
    });
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^tessera_session=[^;]{20,};/);
    const attributes = cookie.split(";").map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=strict", "path=/"]));
    expect(attributes.some((a) => a.startsWith("expires="))).toBe(true);
    // The token travels only in the cookie, never in the body a script could read.
    expect(JSON.stringify(res.body)).not.toContain(cookie.split(";")[0]?.split("=")[1]);
  });

  it("matches the email regardless of case and surrounding spaces", async () => {
    const res = await call("POST", route.path, {
      json: { email: `  ${merchant.ownerEmail.toUpperCase()} `, password: merchant.ownerPassword },
    });
    expectJson(res, 201);
  });

  it("lets the cookie read the merchant's orders, and lets it write only with X-CSRF-Token", async () => {
    const session = await signIn(merchant);
    const orders = await call("GET", listOrders.path, { headers: { cookie: session.cookie } });
    expectJson(orders, 200);
    expect(orders.body.data.map((o: { id: string }) => o.id)).toEqual([orderId]);

    const withoutCsrf = await call("POST", createProductRoute.path, {
      json: newProduct(),
      headers: cookieHeader(session, false),
    });
    await createProductRoute.expectProblem(withoutCsrf, "csrf_failed");
    const withCsrf = await call("POST", createProductRoute.path, {
      json: newProduct(),
      headers: cookieHeader(session),
    });
    expectJson(withCsrf, 201);
  });

  it("refuses a forged or expired cookie with 401 unauthorized", async () => {
    const res = await call("GET", listOrders.path, { headers: { cookie: "tessera_session=forged" } });
    await listOrders.expectProblem(res, "unauthorized");
  });

  it("refuses a wrong password or an unknown email alike with 401 invalid_credentials", async () => {
    const wrong = await call("POST", route.path, { json: { email: other.ownerEmail, password: "not the password" } });
    await route.expectProblem(wrong, "invalid_credentials");
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const unknown = await call("POST", route.path, {
      json: { email: "nobody@example.test", password: "whatever it is" },
    });
    await route.expectProblem(unknown, "invalid_credentials");
    expect({ ...unknown.body, requestId: "" }).toEqual({ ...wrong.body, requestId: "" });
  });

  it("refuses a missing password with 400 validation_failed", async () => {
    const res = await call("POST", route.path, { json: { email: merchant.ownerEmail } });
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors).toContainEqual({ path: "password", message: expect.any(String) });
  });

  it("locks the account after five wrong passwords: the sixth attempt, even right, is 423 with Retry-After", async () => {
    const victim = await createMerchant();
    for (let attempt = 1; attempt <= 5; attempt++) {
      const res = await call("POST", route.path, {
        json: { email: victim.ownerEmail, password: `wrong password ${attempt}` },
      });
      await route.expectProblem(res, "invalid_credentials");
    }
    const locked = await call("POST", route.path, {
      json: { email: victim.ownerEmail, password: victim.ownerPassword },
    });
    await route.expectProblem(locked, "account_locked");
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(locked.headers.get("set-cookie")).toBeNull();
    // The lock is the victim's alone; the admin API key is not a sign-in and still works.
    expectJson(
      await call("POST", route.path, { json: { email: merchant.ownerEmail, password: merchant.ownerPassword } }),
      201,
    );
    expectJson(await call("GET", listOrders.path, { token: victim.adminKey }), 200);
  });

  it("a successful sign-in clears earlier failures", async () => {
    const member = await createMerchant();
    for (let attempt = 1; attempt <= 4; attempt++) {
      await call("POST", route.path, { json: { email: member.ownerEmail, password: "wrong password" } });
    }
    await signIn(member);
    for (let attempt = 1; attempt <= 4; attempt++) {
      await call("POST", route.path, { json: { email: member.ownerEmail, password: "wrong password" } });
    }
    expectJson(
      await call("POST", route.path, { json: { email: member.ownerEmail, password: member.ownerPassword } }),
      201,
    );
  });

  it("counts parallel attempts exactly: of ten wrong passwords at once, five are checked and five are 423", async () => {
    const victim = await createMerchant();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call("POST", route.path, { json: { email: victim.ownerEmail, password: `wrong password ${i}` } }),
      ),
    );
    expect(tally(answers)).toEqual({ "401 invalid_credentials": 5, "423 account_locked": 5 });
    for (const res of answers.filter((answer) => answer.status === 423)) {
      await route.expectProblem(res, "account_locked");
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    const right = await call("POST", route.path, {
      json: { email: victim.ownerEmail, password: victim.ownerPassword },
    });
    await route.expectProblem(right, "account_locked");
  });

  it("locks an email nobody has exactly like a real one, so lockout does not tell which emails exist", async () => {
    const real = await createMerchant();
    const unknown = `${unique("nobody")}@example.test`;
    const attempt = (email: string) => call("POST", route.path, { json: { email, password: "wrong password" } });
    for (let i = 0; i < 5; i++) {
      await route.expectProblem(await attempt(real.ownerEmail), "invalid_credentials");
      await route.expectProblem(await attempt(unknown), "invalid_credentials");
    }
    const [lockedReal, lockedUnknown] = [await attempt(real.ownerEmail), await attempt(unknown)];
    await route.expectProblem(lockedReal, "account_locked");
    await route.expectProblem(lockedUnknown, "account_locked");
    expect({ ...lockedUnknown.body, requestId: "" }).toEqual({ ...lockedReal.body, requestId: "" });
  });

  it("records each sign-in in the audit log", async () => {
    const member = await createMerchant();
    await signIn(member);
    const log = await call("GET", "/v1/admin/audit", { token: member.adminKey });
    expect(log.body.data[0]).toMatchObject({ action: "session.created", actorEmail: member.ownerEmail });
  });

  it("scopes a session to its merchant: another merchant's order reads as missing", async () => {
    const session = await signIn(other);
    const foreign = await call("GET", `/v1/admin/orders/${orderId}`, { headers: { cookie: session.cookie } });
    const missing = await call("GET", "/v1/admin/orders/ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6", {
      headers: { cookie: session.cookie },
    });
    await expectForeignLikeMissing(getOrder, foreign, missing);
    const list = await call("GET", listOrders.path, { headers: { cookie: session.cookie } });
    expect(list.body.data).toEqual([]);
  });
});
