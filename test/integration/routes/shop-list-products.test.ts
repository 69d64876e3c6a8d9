import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, createProduct, placeOrder, stock, type TestMerchant } from "../factories";
import { expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/shops/{shop}/products");
const path = (shop: string, query = "") => `/v1/shops/${shop}/products${query}`;

describe("GET /v1/shops/{shop}/products", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let card: { productId: string; skuId: string };
  let voucher: { productId: string; skuId: string };
  let otherProduct: { productId: string; skuId: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 4);
    voucher = await createProduct(merchant, "voucher", { uses: 5, validDays: 30 }, 9900);
    otherProduct = await createProduct(other, "voucher");
  });

  it("lists the shop's products with prices, policies and availability, without authentication", async () => {
    await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }]);
    const res = await call("GET", path(merchant.slug));
    expectJson(res, 200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([voucher.productId, card.productId]);
    expect(res.body.data[0].skus).toEqual([
      {
        id: voucher.skuId,
        name: "Standard",
        price: { amount: 9900, currency: "CNY" },
        policy: { uses: 5, validDays: 30 },
        available: null,
        lowStockThreshold: null,
        renewal: null,
      },
    ]);
    expect(res.body.data[1].skus[0]).toMatchObject({ id: card.skuId, available: 3 });
  });

  it("pages with limit and nextCursor", async () => {
    const first = await call("GET", path(merchant.slug, "?limit=1"));
    expect(first.body.data).toHaveLength(1);
    const second = await call("GET", path(merchant.slug, `?limit=1&cursor=${first.body.nextCursor}`));
    expect(second.body.data.map((p: { id: string }) => p.id)).toEqual([card.productId]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("answers an unknown shop with 404 not_found", async () => {
    await route.expectProblem(await call("GET", path("no-such-shop")), "not_found");
  });

  it("refuses a bad limit with 400 validation_failed", async () => {
    await route.expectProblem(await call("GET", path(merchant.slug, "?limit=-1")), "validation_failed");
  });

  it("never shows one shop's products in another", async () => {
    const res = await call("GET", path(other.slug));
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([otherProduct.productId]);
    const cursor = await call("GET", path(other.slug, `?cursor=prd_ZZZZZZZZZZZZZZZZZZZZZZZZZZ`));
    expect(cursor.body.data.map((p: { id: string }) => p.id)).toEqual([otherProduct.productId]);
  });
});
