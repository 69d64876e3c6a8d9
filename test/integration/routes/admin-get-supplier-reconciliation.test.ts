import { beforeAll, describe, expect, it } from "vitest";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  eventually,
  getOrder,
  pay,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import {
  approvedSupplier,
  bindSku,
  createTopUpProduct,
  registerSupplier,
  relay,
  sandboxAccount,
  syncNow,
  today,
} from "../supply-kit";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/suppliers/{supplierId}/reconciliation");
const path = (id: string, date = today()) => `/v1/admin/suppliers/${id}/reconciliation?date=${date}`;

describe("GET /v1/admin/suppliers/{supplierId}/reconciliation", () => {
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
    supplier = await approvedSupplier(merchant, { settings: { failureThreshold: 10 } });
    const { skuId } = await createTopUpProduct(merchant);
    await bindSku(merchant, skuId, [{ supplierId: supplier.supplierId, productId: "MOBILE-100", cost: 9_800 }]);
    await syncNow(merchant, supplier.supplierId);
    const order = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      json: { email: "b@example.test", items: [{ skuId, quantity: 1, recipient: { phone: "13600000000" } }] },
    });
    await pay(order.body.payment.id);
    await relay(supplier.account, 2);
    await eventually(
      () => getOrder(merchant, order.body.id, order.body.accessToken),
      (res) => res.body.status === "fulfilled",
    );
  });

  it("sets the day's orders against the supplier's statement and our payments", async () => {
    const res = await call("GET", path(supplier.supplierId), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      supplierId: supplier.supplierId,
      date: today(),
      ordered: { orders: 1, amount: 9_800 },
      confirmed: { orders: 1, amount: 9_800 },
      paid: { orders: 1, amount: 9_800 },
      mismatches: [],
    });
  });

  it("answers 400 validation_failed for a date that is not one", async () => {
    for (const date of ["2026-02-30", "yesterday", ""]) {
      await route.expectProblem(
        await call("GET", path(supplier.supplierId, date), { token: merchant.adminKey }),
        "validation_failed",
      );
    }
  });

  it("answers 503 supplier_unavailable when the statement cannot be read", async () => {
    await supplier.sandbox.switches({ failNextCalls: 1 });
    await route.expectProblem(
      await call("GET", path(supplier.supplierId), { token: merchant.adminKey }),
      "supplier_unavailable",
    );
  });

  it("answers 409 conflict for a supplier never vetted", async () => {
    const pending = await registerSupplier(merchant, await sandboxAccount());
    await route.expectProblem(await call("GET", path(pending), { token: merchant.adminKey }), "conflict");
  });

  it("answers another merchant's supplier exactly like a missing one", async () => {
    const foreign = await call("GET", path(supplier.supplierId), { token: other.adminKey });
    const missing = await call("GET", path("sup_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is for owners and finance: operators and support get 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("GET", path(supplier.supplierId), { headers }));
    expectJson(answers.owner, 200);
    expectJson(answers.finance, 200);
    await route.expectProblem(answers.operator, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("GET", path(supplier.supplierId), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
