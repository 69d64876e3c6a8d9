import { beforeAll, describe, expect, it } from "vitest";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  eventually,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { approvedSupplier, bindSku, createTopUpProduct, syncNow } from "../supply-kit";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/suppliers/{supplierId}/health");
const path = (id: string) => `/v1/admin/suppliers/${id}/health`;

describe("GET /v1/admin/suppliers/{supplierId}/health", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;
  let supplier: Awaited<ReturnType<typeof approvedSupplier>>;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
    supplier = await approvedSupplier(merchant, { settings: { failureThreshold: 2, cooldownSeconds: 60 } });
    const { skuId } = await createTopUpProduct(merchant);
    await bindSku(merchant, skuId, [{ supplierId: supplier.supplierId, productId: "MOBILE-100", cost: 9_800 }]);
    // Binding starts a sync through the queue; let it finish before the tests steer the supplier.
    await eventually(
      () => supplier.sandbox.calls("stock.query"),
      (calls) => calls >= 1,
      20_000,
    );
  });

  it("shows a closed circuit for a supplier never called", async () => {
    const fresh = await approvedSupplier(merchant);
    const res = await call("GET", path(fresh.supplierId), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({
      supplierId: fresh.supplierId,
      status: "approved",
      circuit: { state: "closed", consecutiveFailures: 0, openedAt: null, retryAt: null, timesOpened: 0 },
      lastSuccessAt: null,
      lastFailureAt: null,
      lastFailure: null,
      recent: { calls: 0, failures: 0, timeouts: 0, averageLatencyMs: null },
      lastSyncedAt: null,
    });
  });

  it("shows the circuit opening after failures, with when it will try again", async () => {
    expect((await syncNow(merchant, supplier.supplierId)).status).toBe(200);
    await supplier.sandbox.switches({ failNextCalls: 2 });
    await syncNow(merchant, supplier.supplierId);
    await syncNow(merchant, supplier.supplierId);
    const res = await call("GET", path(supplier.supplierId), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body.circuit).toMatchObject({ state: "open", consecutiveFailures: 2, timesOpened: 1 });
    expect(Date.parse(res.body.circuit.retryAt)).toBeGreaterThan(Date.now());
    expect(res.body).toMatchObject({ lastFailure: "supplier_error", recent: { failures: 2, timeouts: 0 } });
    expect(res.body.lastSuccessAt).not.toBeNull();
  });

  it("answers an unknown supplier with 404, and another merchant's exactly like a missing one", async () => {
    await route.expectProblem(await call("GET", path("sup_nope"), { token: merchant.adminKey }), "not_found");
    const foreign = await call("GET", path(supplier.supplierId), { token: other.adminKey });
    const missing = await call("GET", path("sup_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is for owners, operators and finance: support gets 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("GET", path(supplier.supplierId), { headers }));
    for (const role of ["owner", "operator", "finance"] as const) expectJson(answers[role], 200);
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("GET", path(supplier.supplierId), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
