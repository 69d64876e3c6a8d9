import { beforeAll, describe, expect, it } from "vitest";
import {
  type ApiResponse,
  asStaff,
  byRole,
  call,
  createMerchant,
  createPartner,
  createProduct,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/audit");

describe("GET /v1/admin/audit", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partner: { id: string; apiKey: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partner = await createPartner(merchant);
    await call("POST", "/v1/admin/partners", { headers: asStaff(team.operator), json: { name: "By the operator" } });
    await createProduct(other, "voucher");
  });

  it("lists staff actions newest first, with who acted (email for staff, key id for API keys)", async () => {
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(res, 200);
    const [latest] = res.body.data;
    expect(latest).toEqual({
      id: expect.stringMatching(/^aud_/),
      actor: `staff:${team.operator.id}`,
      actorEmail: team.operator.email,
      action: "partner.created",
      target: expect.stringMatching(/^ptn_/),
      detail: { name: "By the operator", keyId: expect.stringMatching(/^key_/) },
      createdAt: expect.any(String),
    });
    const byKey = res.body.data.find((entry: { target: string }) => entry.target === partner.id);
    expect(byKey).toMatchObject({ actor: expect.stringMatching(/^key_|^key:/), actorEmail: null });
    const ids = res.body.data.map((entry: { id: string }) => entry.id);
    expect(ids).toEqual([...ids].sort().reverse());
    // Never a key, token or password.
    expect(JSON.stringify(res.body)).not.toContain(partner.apiKey);
  });

  it("pages with limit and nextCursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse = await call("GET", `${route.path}?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        token: merchant.adminKey,
      });
      seen.push(...page.body.data.map((entry: { id: string }) => entry.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = (await call("GET", `${route.path}?limit=100`, { token: merchant.adminKey })).body.data;
    expect(seen).toEqual(all.map((entry: { id: string }) => entry.id));
  });

  it("shows only the merchant's own entries", async () => {
    const res = await call("GET", route.path, { token: other.adminKey });
    expect(res.body.data.map((entry: { action: string }) => entry.action)).toEqual(["product.created"]);
  });

  it("refuses a limit over 100 with 400 validation_failed", async () => {
    await route.expectProblem(
      await call("GET", `${route.path}?limit=101`, { token: merchant.adminKey }),
      "validation_failed",
    );
  });

  it("is for owners only: other roles get 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("GET", route.path, { headers }));
    expectJson(answers.owner, 200);
    for (const role of ["operator", "finance", "support"] as const) {
      await route.expectProblem(answers[role], "forbidden");
    }
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partner.apiKey,
  });
});
