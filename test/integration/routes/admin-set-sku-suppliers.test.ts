import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
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
import { approvedSupplier, createTopUpProduct, registerSupplier, reviewSupplier, sandboxAccount } from "../supply-kit";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("put", "/v1/admin/skus/{skuId}/suppliers");
const path = (skuId: string) => `/v1/admin/skus/${skuId}/suppliers`;
const cost = (amount: number) => ({ amount, currency: "CNY" });

describe("PUT /v1/admin/skus/{skuId}/suppliers", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;
  let primary: string;
  let backup: string;
  let skuId: string;

  const bindings = () => ({
    suppliers: [
      { supplierId: primary, productId: "VIDEO-MONTH", cost: cost(2_200) },
      { supplierId: backup, productId: "VIDEO-MONTH", cost: cost(2_300) },
    ],
    restock: { threshold: 5, quantity: 20 },
    markupBps: 1_500,
  });
  const current = async () => (await call("GET", path(skuId), { token: merchant.adminKey })).body.suppliers;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
    primary = (await approvedSupplier(merchant)).supplierId;
    backup = (await approvedSupplier(merchant)).supplierId;
    skuId = (await createProduct(merchant, "card_secret")).skuId;
  });

  it("binds a primary and a backup with their costs, a restock rule and a markup", async () => {
    const res = await call("PUT", path(skuId), { token: merchant.adminKey, json: bindings() });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      skuId,
      kind: "card_secret",
      restock: { threshold: 5, quantity: 20 },
      markupBps: 1_500,
      suppliers: [
        { supplierId: primary, role: "primary", priority: 0, productId: "VIDEO-MONTH", cost: cost(2_200) },
        { supplierId: backup, role: "backup", priority: 1, productId: "VIDEO-MONTH", cost: cost(2_300) },
      ],
    });
    expect((await auditLog(merchant))[0]).toMatchObject({ action: "sku.suppliers_set", target: skuId });
  });

  it("replaces the whole list: an empty list unbinds every supplier", async () => {
    const res = await call("PUT", path(skuId), { token: merchant.adminKey, json: { suppliers: [] } });
    expectJson(res, 200);
    expect(res.body).toMatchObject({ suppliers: [], restock: null, markupBps: null });
  });

  it("answers 409 conflict for a supplier that is not approved, and binds nothing", async () => {
    await call("PUT", path(skuId), { token: merchant.adminKey, json: bindings() });
    const pending = await registerSupplier(merchant, await sandboxAccount());
    const suspended = (await approvedSupplier(merchant)).supplierId;
    await reviewSupplier(suspended, "suspended");
    for (const supplierId of [pending, suspended]) {
      const res = await call("PUT", path(skuId), {
        token: merchant.adminKey,
        json: { suppliers: [{ supplierId, productId: "VIDEO-MONTH", cost: cost(2_200) }] },
      });
      await route.expectProblem(res, "conflict");
    }
    expect((await current()).map((s: { supplierId: string }) => s.supplierId)).toEqual([primary, backup]);
  });

  it("answers 409 conflict for a voucher: vouchers are minted, not supplied", async () => {
    const voucher = (await createProduct(merchant, "voucher")).skuId;
    await route.expectProblem(
      await call("PUT", path(voucher), { token: merchant.adminKey, json: bindings() }),
      "conflict",
    );
  });

  it("answers 400 validation_failed for a repeated supplier, another currency, or a restock rule on a top-up", async () => {
    const topUp = (await createTopUpProduct(merchant)).skuId;
    for (const [sku, json] of [
      [skuId, { suppliers: [bindings().suppliers[0], bindings().suppliers[0]] }],
      [skuId, { suppliers: [{ supplierId: primary, productId: "VIDEO-MONTH", cost: { amount: 1, currency: "USD" } }] }],
      [
        topUp,
        {
          suppliers: [{ supplierId: primary, productId: "MOBILE-100", cost: cost(9_800) }],
          restock: { threshold: 1, quantity: 1 },
        },
      ],
    ] as const) {
      await route.expectProblem(await call("PUT", path(sku), { token: merchant.adminKey, json }), "validation_failed");
    }
  });

  it("answers another merchant's SKU, or another merchant's supplier, exactly like a missing one", async () => {
    const foreign = await call("PUT", path(skuId), { token: other.adminKey, json: { suppliers: [] } });
    const missing = await call("PUT", path("sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: other.adminKey,
      json: { suppliers: [] },
    });
    await expectForeignLikeMissing(route, foreign, missing);
    const theirs = (await approvedSupplier(other)).supplierId;
    const foreignSupplier = await call("PUT", path(skuId), {
      token: merchant.adminKey,
      json: { suppliers: [{ supplierId: theirs, productId: "VIDEO-MONTH", cost: cost(1) }] },
    });
    const missingSupplier = await call("PUT", path(skuId), {
      token: merchant.adminKey,
      json: { suppliers: [{ supplierId: "sup_01JD5ZQ8W4N3M2K1H0G9F8E7D6", productId: "VIDEO-MONTH", cost: cost(1) }] },
    });
    await expectForeignLikeMissing(route, foreignSupplier, missingSupplier);
    expect((await current()).map((s: { supplierId: string }) => s.supplierId)).toEqual([primary, backup]);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("PUT", path(skuId), { headers, json: bindings() }));
    expectJson(answers.owner, 200);
    expectJson(answers.operator, 200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    await route.expectProblem(
      await call("PUT", path(skuId), { headers: { cookie: team.owner.cookie }, json: bindings() }),
      "csrf_failed",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("PUT", path(skuId), { headers: authorization ? { authorization } : {}, json: { suppliers: [] } }),
    otherKindKey: () => partnerKey,
    observe: current,
  });
});
