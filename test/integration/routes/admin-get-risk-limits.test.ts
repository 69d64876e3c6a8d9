import { DEFAULT_RISK_LIMITS } from "@tessera/domain";
import { beforeAll, describe, expect, it } from "vitest";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  OPEN_RISK_LIMITS,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/risk/limits");

describe("GET /v1/admin/risk/limits", () => {
  let merchant: TestMerchant;
  let team: Record<Role, TestStaff>;

  beforeAll(async () => {
    merchant = await createMerchant({ riskLimits: "defaults" });
    team = await createTeam(merchant);
  });

  it("answers the defaults for a merchant that never set limits, with updatedAt null", async () => {
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({ limits: DEFAULT_RISK_LIMITS, defaults: DEFAULT_RISK_LIMITS, updatedAt: null });
  });

  it("answers the merchant's own limits once set, and never another merchant's", async () => {
    const other = await createMerchant();
    const res = await call("GET", route.path, { token: other.adminKey });
    expect(res.body.limits).toEqual(OPEN_RISK_LIMITS);
    expect((await call("GET", route.path, { token: merchant.adminKey })).body.limits).toEqual(DEFAULT_RISK_LIMITS);
  });

  it("is for owners only: operator, finance and support get 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("GET", route.path, { headers }));
    expectJson(answers.owner, 200);
    for (const role of ["operator", "finance", "support"] as const) {
      await route.expectProblem(answers[role], "forbidden");
    }
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => "tess_partner_x",
  });

  it("refuses a partner key with 401", async () => {
    const partner = await createPartner(merchant);
    await route.expectProblem(await call("GET", route.path, { token: partner.apiKey }), "unauthorized");
  });
});
