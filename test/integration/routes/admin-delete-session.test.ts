import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, signIn, type TestMerchant } from "../factories";
import { cookieHeader, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("delete", "/v1/admin/sessions/current");
const listOrders = routeUnderTest("get", "/v1/admin/orders");

const canRead = async (cookie: string) => (await call("GET", listOrders.path, { headers: { cookie } })).status === 200;

describe("DELETE /v1/admin/sessions/current", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
  });

  it("signs out: 204, the cookie is cleared, and the session no longer authenticates", async () => {
    const session = await signIn(merchant);
    expect(await canRead(session.cookie)).toBe(true);
    const res = await call("DELETE", route.path, { headers: cookieHeader(session) });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const cleared = res.headers.get("set-cookie") ?? "";
    expect(cleared).toMatch(/^tessera_session=;/);
    expect(cleared.toLowerCase()).toMatch(/max-age=0|expires=thu, 01 jan 1970/);

    const after = await call("GET", listOrders.path, { headers: { cookie: session.cookie } });
    await listOrders.expectProblem(after, "unauthorized");
    const again = await call("DELETE", route.path, { headers: cookieHeader(session) });
    await route.expectProblem(again, "unauthorized");
  });

  it("ends only the session it was sent with", async () => {
    const first = await signIn(merchant);
    const second = await signIn(merchant);
    expect((await call("DELETE", route.path, { headers: cookieHeader(first) })).status).toBe(204);
    expect(await canRead(first.cookie)).toBe(false);
    expect(await canRead(second.cookie)).toBe(true);
  });

  it("refuses a cookie sign-out without the CSRF token with 403 csrf_failed, and the session lives on", async () => {
    const session = await signIn(merchant);
    const res = await call("DELETE", route.path, { headers: cookieHeader(session, false) });
    await route.expectProblem(res, "csrf_failed");
    expect(await canRead(session.cookie)).toBe(true);
  });

  it("cannot end a session with another session's CSRF token", async () => {
    const mine = await signIn(merchant);
    const theirs = await signIn(other);
    const res = await call("DELETE", route.path, {
      headers: { cookie: mine.cookie, "x-csrf-token": theirs.csrfToken },
    });
    await route.expectProblem(res, "csrf_failed");
    expect(await canRead(mine.cookie)).toBe(true);
    expect(await canRead(theirs.cookie)).toBe(true);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("DELETE", route.path, { headers: authorization ? { authorization } : {} }),
  });
});
