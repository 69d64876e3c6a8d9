import { beforeAll, describe, expect, it } from "vitest";
import { createReseller, issueChannelKey, type TestReseller } from "../channel-kit";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  ROLES,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("delete", "/v1/admin/channels/{channelId}/keys/{channelKeyId}");
const path = (channelId: string, keyId: string) => `/v1/admin/channels/${channelId}/keys/${keyId}`;

describe("DELETE /v1/admin/channels/{channelId}/keys/{channelKeyId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let reseller: TestReseller;
  const revokedAt = async (keyId: string) =>
    (await call("GET", `/v1/admin/channels/${reseller.id}`, { token: merchant.adminKey })).body.keys.find(
      (key: { id: string }) => key.id === keyId,
    ).revokedAt as string | null;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    reseller = await createReseller(merchant);
  });

  it("revokes a key: it stops opening the channel API at once, the other key still works; revoking again changes nothing", async () => {
    const spare = await issueChannelKey(merchant, reseller.id);
    expectJson(await call("GET", "/v1/channel/balance", { token: spare.apiKey }), 200);
    const res = await call("DELETE", path(reseller.id, spare.keyId), { token: merchant.adminKey });
    expect(res.status).toBe(204);
    expect((await call("GET", "/v1/channel/balance", { token: spare.apiKey })).status).toBe(401);
    expectJson(await call("GET", "/v1/channel/balance", { token: reseller.apiKey }), 200);
    const first = await revokedAt(spare.keyId);
    expect(first).toEqual(expect.any(String));
    expect((await call("DELETE", path(reseller.id, spare.keyId), { token: merchant.adminKey })).status).toBe(204);
    expect(await revokedAt(spare.keyId)).toBe(first);
    expect((await auditLog(merchant)).filter((entry) => entry.action === "api_key.revoked")).toHaveLength(1);
  });

  it("answers a key of another channel, of a partner, or of another merchant exactly like a missing one", async () => {
    const sibling = await createReseller(merchant);
    const partner = await createPartner(merchant);
    const partnerKeyId = (await call("GET", "/v1/admin/partners", { token: merchant.adminKey })).body.data.find(
      (p: { id: string }) => p.id === partner.id,
    ).keys[0].id;
    const missing = await call("DELETE", path(reseller.id, "key_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: merchant.adminKey,
    });
    for (const foreign of [
      await call("DELETE", path(reseller.id, sibling.keyId), { token: merchant.adminKey }),
      await call("DELETE", path(reseller.id, partnerKeyId), { token: merchant.adminKey }),
    ]) {
      await expectForeignLikeMissing(route, foreign, missing);
    }
    const otherMerchant = await call("DELETE", path(reseller.id, reseller.keyId), { token: other.adminKey });
    await route.expectProblem(otherMerchant, "not_found");
    expectJson(await call("GET", "/v1/channel/balance", { token: sibling.apiKey }), 200);
    expectJson(await call("GET", "/v1/channel/balance", { token: reseller.apiKey }), 200);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const keys = Object.fromEntries(
      await Promise.all(ROLES.map(async (role) => [role, (await issueChannelKey(merchant, reseller.id)).keyId])),
    ) as Record<Role, string>;
    const answers = await byRole(team, (headers, member) =>
      call("DELETE", path(reseller.id, keys[member.role]), { headers }),
    );
    expect(answers.owner.status).toBe(204);
    expect(answers.operator.status).toBe(204);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect(await revokedAt(keys.finance)).toBeNull();
    expect(await revokedAt(keys.support)).toBeNull();
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("DELETE", path(reseller.id, reseller.keyId), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => reseller.apiKey,
    observe: () => revokedAt(reseller.keyId),
  });
});
