import { beforeAll, describe, expect, it } from "vitest";
import {
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
import { approvedSupplier, bindSku, syncNow } from "../supply-kit";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/skus/{skuId}/suppliers");
const path = (skuId: string) => `/v1/admin/skus/${skuId}/suppliers`;

describe("GET /v1/admin/skus/{skuId}/suppliers", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;
  let supplierId: string;
  let skuId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
    supplierId = (await approvedSupplier(merchant)).supplierId;
    skuId = (await createProduct(merchant, "card_secret")).skuId;
    await bindSku(merchant, skuId, [{ supplierId, productId: "VIDEO-MONTH", cost: 2_000 }]);
    await syncNow(merchant, supplierId);
  });

  it("shows the SKU's suppliers with the stock and cost their last sync read", async () => {
    const res = await call("GET", path(skuId), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      skuId,
      kind: "card_secret",
      upstreamAvailable: 100,
      restock: null,
      markupBps: null,
      suppliers: [
        {
          supplierId,
          supplierStatus: "approved",
          role: "primary",
          productId: "VIDEO-MONTH",
          cost: { amount: 2_200, currency: "CNY" },
          upstreamStock: 100,
          syncError: null,
        },
      ],
    });
    expect(res.body.suppliers[0].syncedAt).not.toBeNull();
  });

  it("shows an empty list for a SKU without suppliers", async () => {
    const plain = (await createProduct(merchant, "voucher")).skuId;
    const res = await call("GET", path(plain), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({ skuId: plain, kind: "voucher", suppliers: [], upstreamAvailable: 0 });
  });

  it("answers another merchant's SKU exactly like a missing one", async () => {
    const foreign = await call("GET", path(skuId), { token: other.adminKey });
    const missing = await call("GET", path("sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is for owners, operators and finance: support gets 403 forbidden", async () => {
    const answers = await byRole(team, (headers) => call("GET", path(skuId), { headers }));
    for (const role of ["owner", "operator", "finance"] as const) expectJson(answers[role], 200);
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", path(skuId), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
