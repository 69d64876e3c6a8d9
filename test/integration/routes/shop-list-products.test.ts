import { beforeAll, describe, expect, it } from "vitest";
import { asChannel, createChannel, createReseller, setPrices } from "../channel-kit";
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
        policy: { uses: 5, validDays: 30, terms: null },
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

describe("GET /v1/shops/{shop}/products through a mini-program or app (X-Channel-Key)", () => {
  it("shows that channel's prices, its quotas capping what is on sale, and list prices where it has none", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret", undefined, 1000);
    await stock(merchant, card.skuId, 8);
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 500);
    const mini = await createChannel(merchant, "mini_program");
    await setPrices(merchant, mini.id, [{ skuId: card.skuId, price: 880, quota: 3 }]);
    const res = await call("GET", path(merchant.slug), { headers: asChannel(mini) });
    expectJson(res, 200);
    const skus = Object.fromEntries(
      res.body.data.flatMap((p: { skus: { id: string }[] }) => p.skus.map((sku) => [sku.id, sku])),
    );
    expect(skus[card.skuId]).toMatchObject({ price: { amount: 880, currency: "CNY" }, available: 3 });
    expect(skus[voucher.skuId]).toMatchObject({ price: { amount: 500, currency: "CNY" }, available: null });
    const shop = await call("GET", path(merchant.slug));
    expect(JSON.stringify(shop.body)).not.toContain('"amount":880');
  });

  it("answers an unknown key, another shop's key, a suspended channel's key and a reseller's secret key with 404", async () => {
    const merchant = await createMerchant();
    const other = await createMerchant();
    const theirs = await createChannel(other, "app");
    const paused = await createChannel(merchant, "app");
    await call("PATCH", `/v1/admin/channels/${paused.id}`, { token: merchant.adminKey, json: { status: "suspended" } });
    const reseller = await createReseller(merchant);
    for (const key of ["tess_pk_unknown", theirs.publishableKey, paused.publishableKey, reseller.apiKey.slice(0, 64)]) {
      await route.expectProblem(
        await call("GET", path(merchant.slug), { headers: { "x-channel-key": key as string } }),
        "not_found",
      );
    }
  });
});
