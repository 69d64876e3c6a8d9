import { DEFAULT_RISK_LIMITS } from "@tessera/domain";
import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("put", "/v1/admin/risk/limits");

const tightened = (skuId: string) => ({
  ...DEFAULT_RISK_LIMITS,
  checkout: {
    ...DEFAULT_RISK_LIMITS.checkout,
    unpaidOrders: { perCustomer: 2, perIp: 10, perDevice: 2 },
    skuPurchases: { [skuId]: { perCustomer: 1, perIp: 5, perDevice: 1 } },
  },
});

describe("PUT /v1/admin/risk/limits", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;

  beforeAll(async () => {
    merchant = await createMerchant({ riskLimits: "defaults" });
    other = await createMerchant({ riskLimits: "defaults" });
    team = await createTeam(merchant);
  });

  it("replaces the limits, answers them with updatedAt, and audits the change", async () => {
    const limits = tightened("sku_limited");
    const res = await call("PUT", route.path, { token: merchant.adminKey, json: limits });
    expectJson(res, 200);
    expect(res.body).toEqual({ limits, defaults: DEFAULT_RISK_LIMITS, updatedAt: expect.any(String) });
    expect((await call("GET", "/v1/admin/risk/limits", { token: merchant.adminKey })).body.limits).toEqual(limits);
    expect((await call("GET", "/v1/admin/risk/limits", { token: other.adminKey })).body.limits).toEqual(
      DEFAULT_RISK_LIMITS,
    );
    const [entry] = (await auditLog(merchant)).filter((row) => row.action === "risk_limits.updated");
    expect(entry).toMatchObject({ target: merchant.id, detail: { limits } });
  });

  it("applies at once: a checkout over the new cap of unpaid orders answers 429 order_limit_reached", async () => {
    const own = await createMerchant({ riskLimits: "defaults" });
    const product = await call("POST", "/v1/admin/products", {
      token: own.adminKey,
      json: {
        name: "Gift",
        kind: "voucher",
        instructions: "Show it",
        skus: [{ name: "One", price: { amount: 100, currency: "CNY" } }],
      },
    });
    const skuId = product.body.skus[0].id as string;
    expectJson(await call("PUT", route.path, { token: own.adminKey, json: tightened("sku_other") }), 200);
    const order = () =>
      call("POST", `/v1/shops/${own.slug}/orders`, {
        json: { email: "cap@example.test", items: [{ skuId, quantity: 1 }] },
      });
    expectJson(await order(), 201);
    expectJson(await order(), 201);
    const third = await order();
    expect(third.status).toBe(429);
    expect(third.body.code).toBe("order_limit_reached");
  });

  it("refuses a partial document, an unknown field and a zero or negative limit with 400, changing nothing", async () => {
    const before = (await call("GET", "/v1/admin/risk/limits", { token: merchant.adminKey })).body;
    const bad = [
      { checkout: DEFAULT_RISK_LIMITS.checkout },
      { ...DEFAULT_RISK_LIMITS, extra: true },
      { ...DEFAULT_RISK_LIMITS, lookups: { ...DEFAULT_RISK_LIMITS.lookups, failuresPerPartnerKey: 0 } },
      {
        ...DEFAULT_RISK_LIMITS,
        checkout: { ...DEFAULT_RISK_LIMITS.checkout, unpaidOrders: { perCustomer: -1, perIp: 1, perDevice: 1 } },
      },
      { ...DEFAULT_RISK_LIMITS, lookups: { ...DEFAULT_RISK_LIMITS.lookups, lockoutMinutes: 1.5 } },
    ];
    for (const json of bad) {
      await route.expectProblem(await call("PUT", route.path, { token: merchant.adminKey, json }), "validation_failed");
    }
    expect((await call("GET", "/v1/admin/risk/limits", { token: merchant.adminKey })).body).toEqual(before);
  });

  it("is for owners only: operator, finance and support get 403 forbidden and change nothing", async () => {
    const before = (await call("GET", "/v1/admin/risk/limits", { token: merchant.adminKey })).body;
    const answers = await byRole(team, (headers) => call("PUT", route.path, { headers, json: DEFAULT_RISK_LIMITS }));
    for (const role of ["operator", "finance", "support"] as const) {
      await route.expectProblem(answers[role], "forbidden");
    }
    expectJson(answers.owner, 200);
    expect(before.limits).not.toEqual(DEFAULT_RISK_LIMITS);
  });

  it("refuses a staff write without the CSRF token with 403 csrf_failed", async () => {
    const res = await call("PUT", route.path, { headers: { cookie: team.owner.cookie }, json: DEFAULT_RISK_LIMITS });
    await route.expectProblem(res, "csrf_failed");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("PUT", route.path, { headers: authorization ? { authorization } : {}, json: DEFAULT_RISK_LIMITS }),
    observe: async () => (await call("GET", "/v1/admin/risk/limits", { token: merchant.adminKey })).body,
  });
});
