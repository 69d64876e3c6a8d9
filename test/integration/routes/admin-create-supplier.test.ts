import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  d1Rows,
  type Role,
  type TestMerchant,
  type TestStaff,
  unique,
} from "../factories";
import { SANDBOX_URL, type SandboxAccount, sandboxAccount } from "../supply-kit";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/suppliers");

describe("POST /v1/admin/suppliers", () => {
  let merchant: TestMerchant;
  let account: SandboxAccount;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;

  const input = (overrides: Record<string, unknown> = {}) => ({
    name: unique("supplier"),
    adapter: "signed_gateway",
    endpoint: `${SANDBOX_URL}/gateway`,
    credentials: account,
    documents: [
      { kind: "business_license", name: "营业执照", reference: "91310000MA1K00000X" },
      { kind: "contract", name: "Supply contract 2026", reference: "CT-2026-118" },
    ],
    ...overrides,
  });
  const count = async () =>
    (await d1Rows<{ n: number }>("SELECT count(*) AS n FROM suppliers WHERE merchant_id = ?", merchant.id))[0]?.n;

  beforeAll(async () => {
    merchant = await createMerchant();
    account = await sandboxAccount();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("registers a supplier pending vetting, with its documents, and never shows the credentials again", async () => {
    const body = input({ settings: { timeoutMs: 3_000 } });
    const res = await call("POST", "/v1/admin/suppliers", { token: merchant.adminKey, json: body });
    expectJson(res, 201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^sup_/),
      name: body.name,
      adapter: "signed_gateway",
      status: "pending",
      documents: body.documents,
      review: { reviewedBy: null, reviewedAt: null, note: null },
      settings: { timeoutMs: 3_000, failureThreshold: 3, cooldownSeconds: 30 },
    });
    expect(JSON.stringify(res.body)).not.toContain(account.signingSecret);
    expect(JSON.stringify(res.body)).not.toContain(account.cardKey);
    expect((await auditLog(merchant))[0]).toMatchObject({ action: "supplier.created", target: res.body.id });
  });

  it("replays the first answer for a repeated Idempotency-Key", async () => {
    const body = input();
    const headers = { "idempotency-key": unique("key") };
    const first = await call("POST", "/v1/admin/suppliers", { token: merchant.adminKey, json: body, headers });
    const again = await call("POST", "/v1/admin/suppliers", { token: merchant.adminKey, json: body, headers });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
  });

  it("answers 409 conflict for a name the merchant already uses", async () => {
    const body = input();
    expectJson(await call("POST", "/v1/admin/suppliers", { token: merchant.adminKey, json: body }), 201);
    await route.expectProblem(
      await call("POST", "/v1/admin/suppliers", { token: merchant.adminKey, json: body }),
      "conflict",
    );
  });

  it("answers 400 validation_failed without documents, with a malformed card key, or an endpoint it may not call", async () => {
    const before = await count();
    for (const body of [
      input({ documents: [] }),
      input({ credentials: { ...account, cardKey: "short" } }),
      input({ endpoint: "ftp://supplier.example/gateway" }),
      input({ adapter: "md5_gateway" }),
    ]) {
      await route.expectProblem(
        await call("POST", "/v1/admin/suppliers", { token: merchant.adminKey, json: body }),
        "validation_failed",
      );
    }
    expect(await count()).toBe(before);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("POST", "/v1/admin/suppliers", { headers, json: input() }));
    expectJson(answers.owner, 201);
    expectJson(answers.operator, 201);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
  });

  it("refuses a cookie-authenticated write without the CSRF token", async () => {
    const res = await call("POST", "/v1/admin/suppliers", { headers: { cookie: team.owner.cookie }, json: input() });
    await route.expectProblem(res, "csrf_failed");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", "/v1/admin/suppliers", { headers: authorization ? { authorization } : {}, json: input() }),
    otherKindKey: () => partnerKey,
    observe: count,
  });
});
