import { beforeAll, describe, expect, it } from "vitest";
import { createChannel, createReseller, type TestReseller } from "../channel-kit";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
  unique,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/channels/{channelId}/keys");
const path = (id: string) => `/v1/admin/channels/${id}/keys`;

describe("POST /v1/admin/channels/{channelId}/keys", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let reseller: TestReseller;
  const keyCount = async () =>
    (await call("GET", `/v1/admin/channels/${reseller.id}`, { token: merchant.adminKey })).body.keys.length as number;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    reseller = await createReseller(merchant);
  });

  it("issues another key, shown once, that opens the channel API beside the first; only its hash is kept", async () => {
    const res = await call("POST", path(reseller.id), { token: merchant.adminKey });
    expectJson(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^key_/),
      apiKey: expect.stringMatching(/^tess_channel_[A-Za-z0-9_-]{43}$/),
      prefix: res.body.apiKey.slice(0, 19),
      createdAt: expect.any(String),
    });
    expectJson(await call("GET", "/v1/channel/balance", { token: res.body.apiKey }), 200);
    expectJson(await call("GET", "/v1/channel/balance", { token: reseller.apiKey }), 200);
    const detail = await call("GET", `/v1/admin/channels/${reseller.id}`, { token: merchant.adminKey });
    expect(JSON.stringify(detail.body)).not.toContain(res.body.apiKey);
    expect((await auditLog(merchant)).find((entry) => entry.target === res.body.id)).toMatchObject({
      action: "api_key.created",
      detail: { channelId: reseller.id },
    });
  });

  it("replays the same Idempotency-Key with the same key instead of minting another", async () => {
    const before = await keyCount();
    const headers = { "idempotency-key": unique("key") };
    const first = await call("POST", path(reseller.id), { token: merchant.adminKey, headers });
    const again = await call("POST", path(reseller.id), { token: merchant.adminKey, headers });
    expect(again.body).toEqual(first.body);
    expect(await keyCount()).toBe(before + 1);
  });

  it("refuses keys for the shop and for a mini-program: only a reseller has secret keys (409)", async () => {
    const mini = await createChannel(merchant, "mini_program");
    await route.expectProblem(await call("POST", path(mini.id), { token: merchant.adminKey }), "conflict");
  });

  it("answers another merchant's channel exactly like a missing one", async () => {
    const foreign = await call("POST", path(reseller.id), { token: other.adminKey });
    const missing = await call("POST", path("chn_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const before = await keyCount();
    const answers = await byRole(team, (headers) => call("POST", path(reseller.id), { headers }));
    expectJson(answers.owner, 201);
    expectJson(answers.operator, 201);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect(await keyCount()).toBe(before + 2);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("POST", path(reseller.id), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => reseller.apiKey,
    observe: () => keyCount(),
  });

  it("refuses a partner's key too", async () => {
    const partner = await createPartner(merchant);
    await route.expectProblem(await call("POST", path(reseller.id), { token: partner.apiKey }), "unauthorized");
  });
});
