import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, byRole, call, createMerchant, createPartner, createTeam, type TestMerchant } from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("put", "/v1/admin/risk/settings");

describe("PUT /v1/admin/risk/settings", () => {
  let merchant: TestMerchant;
  let partnerKey: string;
  let defaults: any;
  const stored = async () => (await call("GET", route.path, { token: merchant.adminKey })).body;

  beforeAll(async () => {
    merchant = await createMerchant({ riskScoring: "defaults" });
    partnerKey = (await createPartner(merchant)).apiKey;
    defaults = (await stored()).settings;
  });

  it("replaces the settings, answers them, and audits the values before and after", async () => {
    const settings = {
      ...defaults,
      scoreFrom: 20_000,
      rules: { ...defaults.rules, velocity_ip: { enabled: false, weight: 5, limit: 9 } },
      redemption: {
        ...defaults.redemption,
        locations: { "store-1": { lat: 31.2, lon: 121.5, region: "CN" } },
        skus: { sku_x: { regions: ["CN"], hours: { from: 9, to: 22 }, timeZone: "Asia/Shanghai" } },
      },
    };
    const res = await call("PUT", route.path, { token: merchant.adminKey, json: settings });
    expectJson(res, 200);
    expect(res.body).toEqual({ settings, updatedBy: expect.stringMatching(/^key:/), updatedAt: expect.any(String) });
    expect((await stored()).settings).toEqual(settings);
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "risk.settings_updated",
      detail: { before: { scoreFrom: 50_000 }, after: { scoreFrom: 20_000 } },
    });
  });

  it("refuses cut-offs out of order, unknown time zones and missing rules with 400, changing nothing", async () => {
    const before = await stored();
    await route.expectProblem(
      await call("PUT", route.path, { token: merchant.adminKey, json: { ...defaults, reviewAt: 90, blockAt: 80 } }),
      "validation_failed",
    );
    const zone = {
      ...defaults,
      redemption: { ...defaults.redemption, skus: { s: { regions: [], hours: null, timeZone: "Mars/Base" } } },
    };
    await route.expectProblem(
      await call("PUT", route.path, { token: merchant.adminKey, json: zone }),
      "validation_failed",
    );
    const { velocity_ip: _gone, ...rules } = defaults.rules;
    await route.expectProblem(
      await call("PUT", route.path, { token: merchant.adminKey, json: { ...defaults, rules } }),
      "validation_failed",
    );
    expect(await stored()).toEqual(before);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const answers = await byRole(await createTeam(merchant), (headers) =>
      call("PUT", route.path, { headers, json: defaults }),
    );
    expect(answers.owner.status).toBe(200);
    expect(answers.operator.status).toBe(200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("PUT", route.path, { headers: authorization ? { authorization } : {}, json: defaults }),
    otherKindKey: () => partnerKey,
    observe: stored,
  });
});
