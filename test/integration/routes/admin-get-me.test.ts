import { beforeAll, describe, expect, it } from "vitest";
import {
  asStaff,
  call,
  createMerchant,
  createPartner,
  createStaff,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/me");

describe("GET /v1/admin/me", () => {
  let merchant: TestMerchant;
  let support: TestStaff;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    support = await createStaff(merchant, "support");
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("says who is signed in, their merchant, and the CSRF token of the session", async () => {
    const res = await call("GET", route.path, { headers: { cookie: support.cookie } });
    expectJson(res, 200);
    expect(res.body).toEqual({
      staff: {
        id: support.id,
        email: support.email,
        name: "The support",
        role: "support",
        merchantId: merchant.id,
        totpEnabled: false,
      },
      merchant: { id: merchant.id, slug: merchant.slug, name: `Merchant ${merchant.slug}`, locale: "zh-CN" },
      csrfToken: support.csrfToken,
    });
  });

  it("follows a role change at once", async () => {
    const member = await createStaff(merchant, "finance");
    const changed = await call("PATCH", `/v1/admin/staff/${member.id}`, {
      token: merchant.adminKey,
      json: { role: "operator" },
    });
    expectJson(changed, 200);
    const res = await call("GET", route.path, { headers: asStaff(member) });
    expect(res.body.staff.role).toBe("operator");
  });

  it("answers an admin API key, which has no staff member behind it, with 403 forbidden", async () => {
    await route.expectProblem(await call("GET", route.path, { token: merchant.adminKey }), "forbidden");
  });

  it("answers a session that ended (signed out) with 401 unauthorized", async () => {
    const member = await createStaff(merchant, "operator");
    const out = await call("DELETE", "/v1/admin/sessions/current", { headers: asStaff(member) });
    expect(out.status).toBe(204);
    await route.expectProblem(await call("GET", route.path, { headers: { cookie: member.cookie } }), "unauthorized");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
