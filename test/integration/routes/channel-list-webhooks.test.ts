import { beforeAll, describe, expect, it } from "vitest";
import { createReseller, type TestReseller } from "../channel-kit";
import { call, createMerchant, type TestMerchant } from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/channel/webhooks");

describe("GET /v1/channel/webhooks", () => {
  let merchant: TestMerchant;
  let reseller: TestReseller;
  let sibling: TestReseller;
  let hookId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    reseller = await createReseller(merchant);
    sibling = await createReseller(merchant);
    hookId = (
      await call("POST", "/v1/channel/webhooks", {
        token: reseller.apiKey,
        json: { url: "https://reseller.example.com/hooks/list" },
      })
    ).body.id;
  });

  it("lists this reseller's endpoints with their delivery counts; another reseller sees none of them", async () => {
    const res = await call("GET", "/v1/channel/webhooks", { token: reseller.apiKey });
    expectJson(res, 200);
    expect(res.body.data).toEqual([
      {
        id: hookId,
        url: "https://reseller.example.com/hooks/list",
        status: "active",
        createdAt: expect.any(String),
        deliveries: { pending: 0, succeeded: 0, failed: 0 },
      },
    ]);
    expect((await call("GET", "/v1/channel/webhooks", { token: sibling.apiKey })).body.data).toEqual([]);
  });

  it("answers 403 while the reseller is suspended", async () => {
    await call("PATCH", `/v1/admin/channels/${sibling.id}`, {
      token: merchant.adminKey,
      json: { status: "suspended" },
    });
    await route.expectProblem(await call("GET", "/v1/channel/webhooks", { token: sibling.apiKey }), "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "channel",
    send: (authorization) => call("GET", "/v1/channel/webhooks", { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
  });
});
