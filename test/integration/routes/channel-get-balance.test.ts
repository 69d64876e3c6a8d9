import { beforeAll, describe, expect, it } from "vitest";
import { createReseller, type TestReseller, topUp } from "../channel-kit";
import { call, createMerchant, type TestMerchant } from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/channel/balance");

describe("GET /v1/channel/balance", () => {
  let merchant: TestMerchant;
  let reseller: TestReseller;

  beforeAll(async () => {
    merchant = await createMerchant();
    reseller = await createReseller(merchant, 4200);
  });

  it("shows the reseller its own balance as top-ups move it", async () => {
    const res = await call("GET", "/v1/channel/balance", { token: reseller.apiKey });
    expectJson(res, 200);
    expect(res.body).toEqual({
      channelId: reseller.id,
      name: expect.any(String),
      balance: { amount: 4200, currency: "CNY" },
    });
    await topUp(merchant, reseller.id, 800);
    expect((await call("GET", "/v1/channel/balance", { token: reseller.apiKey })).body.balance.amount).toBe(5000);
    const sibling = await createReseller(merchant);
    expect((await call("GET", "/v1/channel/balance", { token: sibling.apiKey })).body).toMatchObject({
      channelId: sibling.id,
      balance: { amount: 0 },
    });
  });

  it("answers 403 while the reseller is suspended", async () => {
    const paused = await createReseller(merchant, 100);
    await call("PATCH", `/v1/admin/channels/${paused.id}`, { token: merchant.adminKey, json: { status: "suspended" } });
    await route.expectProblem(await call("GET", "/v1/channel/balance", { token: paused.apiKey }), "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "channel",
    send: (authorization) => call("GET", "/v1/channel/balance", { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
  });
});
