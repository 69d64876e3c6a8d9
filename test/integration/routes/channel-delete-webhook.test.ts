import { beforeAll, describe, expect, it } from "vitest";
import { createReseller, type TestReseller } from "../channel-kit";
import { call, createMerchant, type TestMerchant } from "../factories";
import { expectForeignLikeMissing, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("delete", "/v1/channel/webhooks/{webhookId}");
const path = (id: string) => `/v1/channel/webhooks/${id}`;
const ids = async (reseller: TestReseller) =>
  (await call("GET", "/v1/channel/webhooks", { token: reseller.apiKey })).body.data.map((h: { id: string }) => h.id);

describe("DELETE /v1/channel/webhooks/{webhookId}", () => {
  let merchant: TestMerchant;
  let reseller: TestReseller;
  let sibling: TestReseller;
  const register = async (r: TestReseller) =>
    (
      await call("POST", "/v1/channel/webhooks", {
        token: r.apiKey,
        json: { url: "https://reseller.example.com/hooks/delete" },
      })
    ).body.id as string;

  beforeAll(async () => {
    merchant = await createMerchant();
    reseller = await createReseller(merchant);
    sibling = await createReseller(merchant);
  });

  it("removes the endpoint; removing it again is 404", async () => {
    const keep = await register(reseller);
    const gone = await register(reseller);
    expect((await call("DELETE", path(gone), { token: reseller.apiKey })).status).toBe(204);
    expect(await ids(reseller)).toEqual([keep]);
    await route.expectProblem(await call("DELETE", path(gone), { token: reseller.apiKey }), "not_found");
  });

  it("answers another reseller's endpoint exactly like a missing one, and leaves it", async () => {
    const theirs = await register(sibling);
    const foreign = await call("DELETE", path(theirs), { token: reseller.apiKey });
    const missing = await call("DELETE", path("whk_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: reseller.apiKey });
    await expectForeignLikeMissing(route, foreign, missing);
    expect(await ids(sibling)).toEqual([theirs]);
  });

  itRefusesBadCredentials(route, {
    audience: "channel",
    send: async (authorization) =>
      call("DELETE", path(await register(reseller)), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
  });
});
