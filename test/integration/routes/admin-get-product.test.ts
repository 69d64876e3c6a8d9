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
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/products/{productId}");
const path = (id: string) => `/v1/admin/products/${id}`;

describe("GET /v1/admin/products/{productId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let product: { productId: string; skuId: string };
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    product = await createProduct(merchant, "voucher", { uses: 5, validDays: 30 });
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("shows the product with its SKUs, image and listing", async () => {
    const res = await call("GET", path(product.productId), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      id: product.productId,
      name: expect.any(String),
      kind: "voucher",
      description: null,
      instructions: "How to use voucher",
      imageUrl: null,
      listed: true,
      createdAt: expect.any(String),
    });
    expect(res.body.skus).toEqual([
      {
        id: product.skuId,
        name: "Standard",
        price: { amount: 1999, currency: "CNY" },
        policy: { uses: 5, validDays: 30, terms: null },
        available: null,
        lowStockThreshold: null,
        renewal: null,
      },
    ]);
  });

  it("shows an unlisted product too", async () => {
    const hidden = await createProduct(merchant, "card_secret");
    await call("PATCH", path(hidden.productId), { token: merchant.adminKey, json: { listed: false } });
    const res = await call("GET", path(hidden.productId), { token: merchant.adminKey });
    expect(res.body).toMatchObject({ listed: false, skus: [{ available: 0 }] });
  });

  it("answers another merchant's product exactly like a missing one", async () => {
    const foreign = await call("GET", path(product.productId), { token: other.adminKey });
    const missing = await call("GET", path("prd_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is readable by every role", async () => {
    const answers = await byRole(team, (headers) => call("GET", path(product.productId), { headers }));
    for (const res of Object.values(answers)) expectJson(res, 200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", path(product.productId), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
