import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, byRole, call, createMerchant, createPartner, createTeam, type TestMerchant } from "../factories";
import { newDevice } from "../risk-kit";
import { expectForeignLikeMissing, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("delete", "/v1/admin/risk/lists/{entryId}");
const path = (entryId: string) => `/v1/admin/risk/lists/${entryId}`;

describe("DELETE /v1/admin/risk/lists/{entryId}", () => {
  let merchant: TestMerchant;
  let partnerKey: string;
  const newEntry = async () =>
    (
      await call("POST", "/v1/admin/risk/lists", {
        token: merchant.adminKey,
        json: { kind: "device", list: "block", value: newDevice() },
      })
    ).body.id as string;

  beforeAll(async () => {
    merchant = await createMerchant();
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("removes the entry once, audited; again it is 404", async () => {
    const id = await newEntry();
    const res = await call("DELETE", path(id), { token: merchant.adminKey });
    expect(res.status).toBe(204);
    expect((await auditLog(merchant))[0]).toMatchObject({ action: "risk.list_entry_removed", target: id });
    expect((await call("GET", "/v1/admin/risk/lists", { token: merchant.adminKey })).body.data).toEqual([]);
    await route.expectProblem(await call("DELETE", path(id), { token: merchant.adminKey }), "not_found");
  });

  it("answers another merchant's entry exactly like a missing one, and keeps it", async () => {
    const id = await newEntry();
    const other = await createMerchant();
    const foreign = await call("DELETE", path(id), { token: other.adminKey });
    const missing = await call("DELETE", path("rle_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
    const listed = await call("GET", "/v1/admin/risk/lists", { token: merchant.adminKey });
    expect(listed.body.data.map((entry: { id: string }) => entry.id)).toContain(id);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const team = await createTeam(merchant);
    const ids: Record<string, string> = {};
    for (const member of Object.values(team)) ids[member.role] = await newEntry();
    const answers = await byRole(team, (headers, member) => call("DELETE", path(ids[member.role] ?? ""), { headers }));
    expect(answers.owner.status).toBe(204);
    expect(answers.operator.status).toBe(204);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: async (authorization) =>
      call("DELETE", path(await newEntry()), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
