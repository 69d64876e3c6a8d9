import { beforeAll, describe, expect, it } from "vitest";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/partners");

describe("GET /v1/admin/partners", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let first: { id: string; apiKey: string };
  let second: { id: string; apiKey: string };
  let rotated: { id: string; apiKey: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    first = await createPartner(merchant);
    second = await createPartner(merchant);
    rotated = (await call("POST", `/v1/admin/partners/${first.id}/keys`, { token: merchant.adminKey })).body;
    await call("DELETE", `/v1/admin/api-keys/${rotated.id}`, { token: merchant.adminKey });
    await createPartner(other);
  });

  it("lists partners oldest first with their keys: prefixes and dates, never a key or its hash", async () => {
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body.data.map((partner: { id: string }) => partner.id)).toEqual([first.id, second.id]);
    expect(res.body.data[0]).toEqual({
      id: first.id,
      name: expect.any(String),
      createdAt: expect.any(String),
      keys: [
        {
          id: expect.stringMatching(/^key_/),
          prefix: first.apiKey.slice(0, 19),
          createdAt: expect.any(String),
          revokedAt: null,
        },
        {
          id: rotated.id,
          prefix: rotated.apiKey.slice(0, 19),
          createdAt: expect.any(String),
          revokedAt: expect.any(String),
        },
      ],
    });
    const text = JSON.stringify(res.body);
    for (const key of [first.apiKey, second.apiKey, rotated.apiKey]) expect(text).not.toContain(key);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });

  it("shows no other merchant's partners, nor admin keys", async () => {
    const res = await call("GET", route.path, { token: other.adminKey });
    expect(res.body.data).toHaveLength(1);
    expect(JSON.stringify(res.body)).not.toContain("tess_admin_");
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("GET", route.path, { headers }));
    expectJson(answers.owner, 200);
    expectJson(answers.operator, 200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => second.apiKey,
  });
});
