import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createMerchant,
  createPartner,
  createProduct,
  placeOrder,
  signIn,
  stock,
  type TestMerchant,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/skus/{skuId}/stock");
const path = (skuId: string) => `/v1/admin/skus/${skuId}/stock`;

describe("GET /v1/admin/skus/{skuId}/stock", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let skuId: string;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    skuId = (await createProduct(merchant, "card_secret")).skuId;
    await stock(merchant, skuId, 5);
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("reports units available, reserved by unpaid orders, and sold", async () => {
    expect((await placeOrder(merchant, [{ skuId, quantity: 2 }])).status).toBe(201);
    const res = await call("GET", path(skuId), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({ skuId, available: 3, reserved: 2, sold: 0 });
  });

  it("reads with a staff session cookie too (no CSRF token needed to read)", async () => {
    const session = await signIn(merchant);
    const res = await call("GET", path(skuId), { headers: { cookie: session.cookie } });
    expectJson(res, 200);
    expect(res.body.skuId).toBe(skuId);
  });

  it("says a voucher SKU holds no stock: its codes are minted", async () => {
    const { skuId: voucher } = await createProduct(merchant, "voucher");
    const res = await call("GET", path(voucher), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({ skuId: voucher, available: null, reserved: 0, sold: 0 });
  });

  it("answers an unknown SKU with 404 not_found", async () => {
    await route.expectProblem(await call("GET", path("sku_nope"), { token: merchant.adminKey }), "not_found");
  });

  it("answers another merchant's SKU exactly like a missing one", async () => {
    const foreign = await call("GET", path(skuId), { token: other.adminKey });
    const missing = await call("GET", path("sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", path(skuId), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
