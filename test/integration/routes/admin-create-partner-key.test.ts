import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  deliveredVoucher,
  type Role,
  type TestMerchant,
  type TestStaff,
  unique,
  verify,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/partners/{partnerId}/keys");
const path = (id: string) => `/v1/admin/partners/${id}/keys`;
const keyCount = async (merchant: TestMerchant, partnerId: string) =>
  (await call("GET", "/v1/admin/partners", { token: merchant.adminKey })).body.data.find(
    (partner: { id: string }) => partner.id === partnerId,
  ).keys.length;

describe("POST /v1/admin/partners/{partnerId}/keys", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partner: { id: string; apiKey: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partner = await createPartner(merchant);
  });

  it("issues another key, shown once, that works at once beside the first", async () => {
    const res = await call("POST", path(partner.id), { token: merchant.adminKey });
    expectJson(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^key_/),
      apiKey: expect.stringMatching(/^tess_partner_[A-Za-z0-9_-]{43}$/),
      prefix: res.body.apiKey.slice(0, 19),
      createdAt: expect.any(String),
    });
    const { code } = await deliveredVoucher(merchant);
    expectJson(await verify({ apiKey: res.body.apiKey }, code), 200);
    expectJson(await verify(partner, code), 200);
    expect((await auditLog(merchant)).find((entry) => entry.action === "api_key.created")).toMatchObject({
      action: "api_key.created",
      target: res.body.id,
      detail: { partnerId: partner.id },
    });
    expect(JSON.stringify(await auditLog(merchant))).not.toContain(res.body.apiKey);
  });

  it("replays the same Idempotency-Key with the same key instead of minting another", async () => {
    const before = await keyCount(merchant, partner.id);
    const headers = { "idempotency-key": unique("key") };
    const first = await call("POST", path(partner.id), { token: merchant.adminKey, headers });
    const again = await call("POST", path(partner.id), { token: merchant.adminKey, headers });
    expect(again.body).toEqual(first.body);
    expect(await keyCount(merchant, partner.id)).toBe(before + 1);
  });

  it("answers another merchant's partner exactly like a missing one", async () => {
    const foreign = await call("POST", path(partner.id), { token: other.adminKey });
    const missing = await call("POST", path("ptn_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const before = await keyCount(merchant, partner.id);
    const answers = await byRole(team, (headers) => call("POST", path(partner.id), { headers }));
    expectJson(answers.owner, 201);
    expectJson(answers.operator, 201);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect(await keyCount(merchant, partner.id)).toBe(before + 2);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("POST", path(partner.id), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partner.apiKey,
    observe: () => keyCount(merchant, partner.id),
  });
});
