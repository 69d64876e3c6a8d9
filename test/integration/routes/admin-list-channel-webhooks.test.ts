import { beforeAll, describe, expect, it } from "vitest";
import {
  createReseller,
  receivedBy,
  registerReceiver,
  resellerOrder,
  setPrices,
  type TestReseller,
} from "../channel-kit";
import {
  byRole,
  call,
  createMerchant,
  createProduct,
  createTeam,
  eventually,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/channels/{channelId}/webhooks");
const path = (id: string) => `/v1/admin/channels/${id}/webhooks`;

describe("GET /v1/admin/channels/{channelId}/webhooks", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let reseller: TestReseller;
  let hook: { name: string; id: string; secret: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 500);
    reseller = await createReseller(merchant, 5000);
    await setPrices(merchant, reseller.id, [{ skuId: voucher.skuId, price: 400 }]);
    hook = await registerReceiver(reseller);
    expectJson(await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 1 }]), 201);
    await eventually(
      () => receivedBy(hook.name),
      (got) => got.length === 1,
      10_000,
    );
  });

  it("lists the reseller's endpoints with how their deliveries went, never a secret", async () => {
    const res = await eventually(
      () => call("GET", path(reseller.id), { token: merchant.adminKey }),
      (answer) => answer.body.data[0]?.deliveries.succeeded === 1,
    );
    expectJson(res, 200);
    expect(res.body.data).toEqual([
      {
        id: hook.id,
        url: expect.stringContaining(`/hooks/${hook.name}`),
        status: "active",
        createdAt: expect.any(String),
        deliveries: { pending: 0, succeeded: 1, failed: 0 },
      },
    ]);
    expect(JSON.stringify(res.body)).not.toContain(hook.secret);
  });

  it("leaves out an endpoint the reseller removed", async () => {
    const extra = await registerReceiver(reseller);
    expect((await call("GET", path(reseller.id), { token: merchant.adminKey })).body.data).toHaveLength(2);
    expect((await call("DELETE", `/v1/channel/webhooks/${extra.id}`, { token: reseller.apiKey })).status).toBe(204);
    const ids = (await call("GET", path(reseller.id), { token: merchant.adminKey })).body.data.map(
      (row: { id: string }) => row.id,
    );
    expect(ids).toEqual([hook.id]);
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
