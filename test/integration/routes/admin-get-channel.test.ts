import { beforeAll, describe, expect, it } from "vitest";
import { createChannel, createReseller, type TestReseller } from "../channel-kit";
import { byRole, call, createMerchant, createTeam, type Role, type TestMerchant, type TestStaff } from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/channels/{channelId}");
const path = (id: string) => `/v1/admin/channels/${id}`;

describe("GET /v1/admin/channels/{channelId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let reseller: TestReseller;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    reseller = await createReseller(merchant, 2500);
  });

  it("shows a reseller with its balance and its keys by prefix, never a key", async () => {
    const res = await call("GET", path(reseller.id), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      id: reseller.id,
      kind: "reseller",
      balance: { amount: 2500, currency: "CNY" },
      keys: [
        { id: reseller.keyId, prefix: reseller.apiKey.slice(0, 19), createdAt: expect.any(String), revokedAt: null },
      ],
    });
    expect(JSON.stringify(res.body)).not.toContain(reseller.apiKey);
  });

  it("shows a consumer channel with its publishable key and no keys list", async () => {
    const app = await createChannel(merchant, "app");
    const res = await call("GET", path(app.id), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({ kind: "app", publishableKey: app.publishableKey, keys: [], balance: null });
  });

  it("answers another merchant's channel exactly like a missing one", async () => {
    const foreign = await call("GET", path(reseller.id), { token: other.adminKey });
    const missing = await call("GET", path("chn_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is readable by every role", async () => {
    const answers = await byRole(team, (headers) => call("GET", path(reseller.id), { headers }));
    for (const res of Object.values(answers)) expectJson(res, 200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", path(reseller.id), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => reseller.apiKey,
  });
});
