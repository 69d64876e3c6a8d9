import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, type TestMerchant } from "../factories";
import { callWithEnv, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/operator/demo");

/** Fixed test values for the demo keys; the real development ones live in .dev.vars. */
const DEMO = {
  DEMO_ADMIN_API_KEY: "tess_admin_route_test_demo_admin_0123456789",
  DEMO_PARTNER_API_KEY: "tess_partner_route_test_demo_partner_0123456789",
  DEMO_STAFF_EMAIL: "demo-staff@example.test",
  DEMO_STAFF_PASSWORD: "route test demo password",
};
const NO_DEMO = {
  DEMO_ADMIN_API_KEY: undefined,
  DEMO_PARTNER_API_KEY: undefined,
  DEMO_STAFF_EMAIL: undefined,
  DEMO_STAFF_PASSWORD: undefined,
};

describe("POST /v1/operator/demo", () => {
  let merchant: TestMerchant;

  beforeAll(async () => {
    merchant = await createMerchant();
  });

  it("seeds the demo shop with stock, a staff login and working keys, and is safe to repeat", async () => {
    const first = await callWithEnv(DEMO, "POST", route.path, { token: env.OPERATOR_API_KEY });
    expectJson(first, 200);
    expect(first.body).toEqual({ merchant: "demo", merchantId: expect.stringMatching(/^mer_/), stocked: 100 });
    const again = await callWithEnv(DEMO, "POST", route.path, { token: env.OPERATOR_API_KEY });
    expectJson(again, 200);
    expect(again.body).toEqual({ ...first.body, stocked: 0 });

    const products = await call("GET", "/v1/shops/demo/products");
    expect(products.body.data).toHaveLength(3);
    const card = products.body.data.find((p: { kind: string }) => p.kind === "card_secret");
    expect(card.skus[0].available).toBe(100);
    expectJson(await call("GET", "/v1/admin/orders", { token: DEMO.DEMO_ADMIN_API_KEY }), 200);
    await routeUnderTest("post", "/v1/partner/verifications").expectProblem(
      await call("POST", "/v1/partner/verifications", {
        token: DEMO.DEMO_PARTNER_API_KEY,
        json: { code: "0000-0000-0000-0000-0000" },
      }),
      "code_not_found",
    );
    expectJson(
      await call("POST", "/v1/admin/sessions", {
        json: { email: DEMO.DEMO_STAFF_EMAIL, password: DEMO.DEMO_STAFF_PASSWORD },
      }),
      201,
    );
  });

  it("answers 409 conflict when the demo keys are not configured", async () => {
    await route.expectProblem(
      await callWithEnv(NO_DEMO, "POST", route.path, { token: env.OPERATOR_API_KEY }),
      "conflict",
    );
  });

  it("refuses to seed in production with 403 forbidden", async () => {
    const production = {
      ...DEMO,
      ENVIRONMENT: "production",
      SANDBOX_PAYMENTS: "disabled",
      SUPPLIER_PRIVATE_NETWORK: "denied",
      WEBHOOK_PRIVATE_NETWORK: "denied",
    };
    await route.expectProblem(
      await callWithEnv(production, "POST", route.path, { token: env.OPERATOR_API_KEY }),
      "forbidden",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "operator",
    send: (authorization) => call("POST", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
  });
});
