import { beforeAll, describe, expect, it } from "vitest";
import { bundle, product } from "../bundle-kit";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("put", "/v1/admin/skus/{skuId}/renewal");
const path = (skuId: string) => `/v1/admin/skus/${skuId}/renewal`;
const MONTHLY = { renewal: { period: "month", every: 1 } };

describe("PUT /v1/admin/skus/{skuId}/renewal", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  const skuOf = async (productId: string) =>
    (await call("GET", `/v1/shops/${merchant.slug}/products/${productId}`)).body.skus[0];

  it("sells a SKU as a quarterly subscription, shown in the shop, audited; null makes it a one-off purchase again", async () => {
    const voucher = await product(merchant, "voucher", 3000);
    const res = await call("PUT", path(voucher.skuId), {
      token: merchant.adminKey,
      json: { renewal: { period: "month", every: 3 } },
    });
    expectJson(res, 200);
    expect(res.body).toEqual({ skuId: voucher.skuId, renewal: { period: "month", every: 3 } });
    expect((await skuOf(voucher.productId)).renewal).toEqual({ period: "month", every: 3 });
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "sku.renewal_set",
      target: voucher.skuId,
      detail: { renewal: { period: "month", every: 3 } },
    });
    expectJson(await call("PUT", path(voucher.skuId), { token: merchant.adminKey, json: { renewal: null } }), 200);
    expect((await skuOf(voucher.productId)).renewal).toBeNull();
  });

  it("refuses a period it does not know and a count out of range with 400 validation_failed", async () => {
    const voucher = await product(merchant, "voucher", 3000);
    for (const renewal of [
      { period: "year", every: 1 },
      { period: "month", every: 0 },
      { period: "week", every: 13 },
    ]) {
      await route.expectProblem(
        await call("PUT", path(voucher.skuId), { token: merchant.adminKey, json: { renewal } }),
        "validation_failed",
      );
    }
    expect((await skuOf(voucher.productId)).renewal).toBeNull();
  });

  it("a SKU inside a bundle cannot renew on its own: 409 conflict (the bundle can)", async () => {
    const part = await product(merchant, "voucher", 1000);
    const pack = await bundle(merchant, 800, [{ skuId: part.skuId, quantity: 1 }]);
    await route.expectProblem(
      await call("PUT", path(part.skuId), { token: merchant.adminKey, json: MONTHLY }),
      "conflict",
    );
    expectJson(await call("PUT", path(pack.skuId), { token: merchant.adminKey, json: MONTHLY }), 200);
  });

  it("answers another merchant's SKU exactly like a missing one, changing nothing", async () => {
    const voucher = await product(merchant, "voucher", 3000);
    const foreign = await call("PUT", path(voucher.skuId), { token: other.adminKey, json: MONTHLY });
    const missing = await call("PUT", path("sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey, json: MONTHLY });
    await expectForeignLikeMissing(route, foreign, missing);
    expect((await skuOf(voucher.productId)).renewal).toBeNull();
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const voucher = await product(merchant, "voucher", 3000);
    const answers = await byRole(team, (headers) => call("PUT", path(voucher.skuId), { headers, json: MONTHLY }));
    expectJson(answers.owner, 200);
    expectJson(answers.operator, 200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: async (authorization) => {
      const voucher = await product(merchant, "voucher", 3000);
      return call("PUT", path(voucher.skuId), { headers: authorization ? { authorization } : {}, json: MONTHLY });
    },
    otherKindKey: () => partnerKey,
  });
});
