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
import {
  approvedSupplier,
  bindSku,
  createTopUpProduct,
  registerSupplier,
  sandboxAccount,
  shopSku,
} from "../supply-kit";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/suppliers/{supplierId}/sync");
const path = (id: string) => `/v1/admin/suppliers/${id}/sync`;

describe("POST /v1/admin/suppliers/{supplierId}/sync", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;
  let supplier: Awaited<ReturnType<typeof approvedSupplier>>;
  let skuId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
    supplier = await approvedSupplier(merchant, { settings: { failureThreshold: 10 } });
    skuId = (await createTopUpProduct(merchant)).skuId;
    await bindSku(merchant, skuId, [{ supplierId: supplier.supplierId, productId: "MOBILE-100", cost: 9_800 }]);
    // Binding starts a sync through the queue; let it finish before the tests steer the supplier.
    await eventually(
      () => supplier.sandbox.calls("stock.query"),
      (calls) => calls >= 1,
      20_000,
    );
  });

  it("reads the supplier's stock now and refreshes the shop", async () => {
    await supplier.sandbox.product("MOBILE-100", { stock: 42 });
    const res = await call("POST", path(supplier.supplierId), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({ supplierId: supplier.supplierId, skus: 1 });
    expect((await shopSku(merchant, skuId))?.available).toBe(42);
  });

  it("answers 503 supplier_unavailable when the supplier cannot be read", async () => {
    await supplier.sandbox.switches({ failNextCalls: 1 });
    const res = await call("POST", path(supplier.supplierId), { token: merchant.adminKey });
    await route.expectProblem(res, "supplier_unavailable");
    expect(res.body.detail).toContain("supplier_error");
    expect((await shopSku(merchant, skuId))?.available).toBe(0);
  });

  it("answers 409 conflict for a supplier not approved", async () => {
    const pending = await registerSupplier(merchant, await sandboxAccount());
    await route.expectProblem(await call("POST", path(pending), { token: merchant.adminKey }), "conflict");
  });

  it("answers another merchant's supplier exactly like a missing one", async () => {
    const foreign = await call("POST", path(supplier.supplierId), { token: other.adminKey });
    const missing = await call("POST", path("sup_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is for owners and operators: finance and support get 403 forbidden, and a cookie needs its CSRF token", async () => {
    const answers = await byRole(team, (headers) => call("POST", path(supplier.supplierId), { headers }));
    expectJson(answers.owner, 200);
    expectJson(answers.operator, 200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    await route.expectProblem(
      await call("POST", path(supplier.supplierId), { headers: { cookie: team.owner.cookie } }),
      "csrf_failed",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", path(supplier.supplierId), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
