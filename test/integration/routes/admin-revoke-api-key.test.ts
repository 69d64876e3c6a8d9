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
  verify,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("delete", "/v1/admin/api-keys/{keyId}");
const path = (id: string) => `/v1/admin/api-keys/${id}`;

describe("DELETE /v1/admin/api-keys/{keyId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partner: { id: string; apiKey: string };
  let code: string;

  const newKey = async () =>
    (await call("POST", `/v1/admin/partners/${partner.id}/keys`, { token: merchant.adminKey })).body as {
      id: string;
      apiKey: string;
    };

  /** What the refused calls aim at: it must stay as it was. */
  let guarded: { id: string; apiKey: string };
  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partner = await createPartner(merchant);
    code = (await deliveredVoucher(merchant)).code;
    guarded = await newKey();
  });

  it("revokes a key: it stops working at once, even just after a successful (cached) check", async () => {
    const key = await newKey();
    expectJson(await verify(key, code), 200);
    const res = await call("DELETE", path(key.id), { token: merchant.adminKey });
    expect(res.status).toBe(204);
    const refused = await verify(key, code);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 401, code: "unauthorized" });
    expectJson(await verify(partner, code), 200);
    const listed = (await call("GET", "/v1/admin/partners", { token: merchant.adminKey })).body.data[0].keys;
    expect(listed.find((k: { id: string }) => k.id === key.id).revokedAt).toEqual(expect.any(String));
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "api_key.revoked",
      target: key.id,
      detail: { partnerId: partner.id },
    });
  });

  it("revoking again changes nothing and still answers 204", async () => {
    const key = await newKey();
    await call("DELETE", path(key.id), { token: merchant.adminKey });
    const revokedAt = (await call("GET", "/v1/admin/partners", { token: merchant.adminKey })).body.data[0].keys.find(
      (k: { id: string }) => k.id === key.id,
    ).revokedAt;
    expect((await call("DELETE", path(key.id), { token: merchant.adminKey })).status).toBe(204);
    const after = (await call("GET", "/v1/admin/partners", { token: merchant.adminKey })).body.data[0].keys.find(
      (k: { id: string }) => k.id === key.id,
    );
    expect(after.revokedAt).toBe(revokedAt);
  });

  it("answers another merchant's key, an admin key, and an unknown id alike with 404 not_found", async () => {
    const key = await newKey();
    const foreign = await call("DELETE", path(key.id), { token: other.adminKey });
    const missing = await call("DELETE", path("key_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
    expectJson(await verify(key, code), 200);
    const adminKeyId = (await auditLog(merchant)).find((entry) => entry.actor.startsWith("key:"))?.actor.slice(4);
    await route.expectProblem(await call("DELETE", path(adminKeyId ?? ""), { token: merchant.adminKey }), "not_found");
    expectJson(await call("GET", "/v1/admin/orders", { token: merchant.adminKey }), 200);
  });

  it("is for owners and operators: finance and support get 403 forbidden and the key works on", async () => {
    const keys = { owner: await newKey(), operator: await newKey(), finance: await newKey(), support: await newKey() };
    const answers = await byRole(team, (headers, member) => call("DELETE", path(keys[member.role].id), { headers }));
    expect(answers.owner.status).toBe(204);
    expect(answers.operator.status).toBe(204);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expectJson(await verify(keys.finance, code), 200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("DELETE", path(guarded.id), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partner.apiKey,
    observe: async () => (await verify(guarded, code)).status,
  });
});
