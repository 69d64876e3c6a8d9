import { beforeAll, describe, expect, it } from "vitest";
import { byRole, call, createMerchant, createPartner, createTeam, type TestMerchant } from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/risk/settings");

describe("GET /v1/admin/risk/settings", () => {
  let merchant: TestMerchant;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant({ riskScoring: "defaults" });
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("answers the defaults for a merchant that never set its own", async () => {
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({
      settings: {
        scoreFrom: 50_000,
        reviewAt: 40,
        blockAt: 80,
        windowHours: 24,
        rules: expect.objectContaining({
          velocity_email: { enabled: true, weight: 20, limit: 3 },
          region_mismatch_payment: { enabled: true, weight: 25, limit: 0 },
        }),
        redemption: {
          enabled: true,
          travelKmh: 900,
          burstLimit: 600,
          burstWindowMinutes: 1,
          locations: {},
          skus: {},
        },
      },
      updatedBy: null,
      updatedAt: null,
    });
    expect(Object.keys(res.body.settings.rules)).toHaveLength(10);
  });

  it("answers each merchant its own, and every role may read them", async () => {
    const other = await createMerchant();
    const mine = (await call("GET", route.path, { token: merchant.adminKey })).body.settings;
    await call("PUT", route.path, { token: other.adminKey, json: { ...mine, reviewAt: 10 } });
    expect((await call("GET", route.path, { token: merchant.adminKey })).body.settings.reviewAt).toBe(40);
    const answers = await byRole(await createTeam(merchant), (headers) => call("GET", route.path, { headers }));
    for (const res of Object.values(answers)) expect(res.status).toBe(200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
