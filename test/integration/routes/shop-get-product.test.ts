import { beforeAll, describe, expect, it } from "vitest";
import { asChannel, createChannel, setPrices } from "../channel-kit";
import { call, createMerchant, createProduct, stock, type TestMerchant } from "../factories";
import { expectForeignLikeMissing, expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/shops/{shop}/products/{productId}");

describe("GET /v1/shops/{shop}/products/{productId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let card: { productId: string; skuId: string };
  const path = (shop: string, productId: string) => `/v1/shops/${shop}/products/${productId}`;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 3);
  });

  it("shows a listed product with its prices, availability and usage guide", async () => {
    const res = await call("GET", path(merchant.slug, card.productId));
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      id: card.productId,
      kind: "card_secret",
      instructions: "How to use card_secret",
      listed: true,
      skus: [{ id: card.skuId, price: { amount: 1999, currency: "CNY" }, available: 3 }],
    });
  });

  it("answers an unlisted product like a missing one", async () => {
    const hidden = await createProduct(merchant, "voucher");
    await call("PATCH", `/v1/admin/products/${hidden.productId}`, {
      token: merchant.adminKey,
      json: { listed: false },
    });
    const unlisted = await call("GET", path(merchant.slug, hidden.productId));
    const missing = await call("GET", path(merchant.slug, "prd_01JD5ZQ8W4N3M2K1H0G9F8E7D6"));
    await expectForeignLikeMissing(route, unlisted, missing);
  });

  it("answers another shop's product like a missing one, and an unknown shop with 404", async () => {
    const foreign = await call("GET", path(other.slug, card.productId));
    const missing = await call("GET", path(other.slug, "prd_01JD5ZQ8W4N3M2K1H0G9F8E7D6"));
    await expectForeignLikeMissing(route, foreign, missing);
    await route.expectProblem(await call("GET", path("no-such-shop", card.productId)), "not_found");
  });
});

describe("GET /v1/shops/{shop}/products/{productId} through an app (X-Channel-Key)", () => {
  it("shows the app's price for the product; the shop's answer keeps the list price; a bad key is 404", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1200);
    const app = await createChannel(merchant, "app");
    await setPrices(merchant, app.id, [{ skuId: voucher.skuId, price: 990, quota: 7 }]);
    const path = `/v1/shops/${merchant.slug}/products/${voucher.productId}`;
    const viaApp = await call("GET", path, { headers: asChannel(app) });
    expectJson(viaApp, 200);
    expect(viaApp.body.skus[0]).toMatchObject({ price: { amount: 990, currency: "CNY" }, available: 7 });
    expect((await call("GET", path)).body.skus[0].price).toEqual({ amount: 1200, currency: "CNY" });
    await route.expectProblem(await call("GET", path, { headers: { "x-channel-key": "tess_pk_nope" } }), "not_found");
  });
});
