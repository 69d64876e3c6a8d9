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
import { approvedSupplier, registerSupplier, sandboxAccount } from "../supply-kit";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/suppliers");

describe("GET /v1/admin/suppliers", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;
  let approved: string;
  let pending: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
    approved = (await approvedSupplier(merchant)).supplierId;
    pending = await registerSupplier(merchant, await sandboxAccount());
    await registerSupplier(other, await sandboxAccount());
  });

  it("lists the merchant's suppliers newest first, with status and reviewer", async () => {
    const res = await call("GET", "/v1/admin/suppliers", { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body.data.map((s: { id: string }) => s.id)).toEqual([pending, approved]);
    expect(res.body.data[1]).toMatchObject({ status: "approved", review: { reviewedBy: "vetting@platform.test" } });
    expect(res.body.nextCursor).toBeNull();
  });

  it("filters by status and pages with a cursor", async () => {
    const filtered = await call("GET", "/v1/admin/suppliers?status=pending", { token: merchant.adminKey });
    expect(filtered.body.data.map((s: { id: string }) => s.id)).toEqual([pending]);
    const first = await call("GET", "/v1/admin/suppliers?limit=1", { token: merchant.adminKey });
    expect(first.body.nextCursor).toBe(pending);
    const second = await call("GET", `/v1/admin/suppliers?limit=1&cursor=${first.body.nextCursor}`, {
      token: merchant.adminKey,
    });
    expect(second.body.data.map((s: { id: string }) => s.id)).toEqual([approved]);
  });

  it("answers 400 validation_failed for an unknown status", async () => {
    await route.expectProblem(
      await call("GET", "/v1/admin/suppliers?status=banned", { token: merchant.adminKey }),
      "validation_failed",
    );
  });

  it("never shows another merchant's suppliers", async () => {
    const res = await call("GET", "/v1/admin/suppliers", { token: other.adminKey });
    expect(res.body.data.map((s: { id: string }) => s.id)).not.toContain(approved);
    expect(res.body.data).toHaveLength(1);
  });

  it("is for owners, operators and finance: support gets 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("GET", "/v1/admin/suppliers", { headers }));
    for (const role of ["owner", "operator", "finance"] as const) expectJson(answers[role], 200);
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", "/v1/admin/suppliers", { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
