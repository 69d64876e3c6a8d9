import { beforeAll, describe, expect, it } from "vitest";
import { createReseller, resellerOrder, setPrices, type TestReseller } from "../channel-kit";
import { call, createMerchant, createProduct, stock, type TestMerchant } from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/channel/catalog");
const cny = (amount: number) => ({ amount, currency: "CNY" });

describe("GET /v1/channel/catalog", () => {
  let merchant: TestMerchant;
  let reseller: TestReseller;
  let card: { skuId: string; productId: string };
  let unlisted: { skuId: string; productId: string };
  let notOffered: { skuId: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    card = await createProduct(merchant, "card_secret", undefined, 1000);
    await stock(merchant, card.skuId, 6);
    unlisted = await createProduct(merchant, "voucher", { uses: 3 }, 2000);
    await call("PATCH", `/v1/admin/products/${unlisted.productId}`, {
      token: merchant.adminKey,
      json: { listed: false },
    });
    notOffered = await createProduct(merchant, "voucher", undefined, 900);
    reseller = await createReseller(merchant, 10_000);
    await setPrices(merchant, reseller.id, [
      { skuId: card.skuId, price: 720, quota: 4 },
      { skuId: unlisted.skuId, price: 1500 },
    ]);
  });

  it("shows exactly the SKUs of its price list, at its prices, with quotas capping what is on sale", async () => {
    expectJson(await resellerOrder(reseller, [{ skuId: card.skuId, quantity: 1 }]), 201);
    const res = await call("GET", "/v1/channel/catalog", { token: reseller.apiKey });
    expectJson(res, 200);
    const skus = Object.fromEntries(
      res.body.data.flatMap((product: { skus: { id: string }[] }) => product.skus.map((sku) => [sku.id, sku])),
    );
    expect(Object.keys(skus).sort()).toEqual([card.skuId, unlisted.skuId].sort());
    expect(skus[card.skuId]).toEqual({
      id: card.skuId,
      name: "Standard",
      price: cny(720),
      policy: { uses: 1, validDays: null, terms: null },
      available: 3,
      renewal: null,
      quota: { limit: 4, used: 1, remaining: 3 },
    });
    // Unlisted in the shop, still sold to the reseller: its price list decides.
    expect(skus[unlisted.skuId]).toMatchObject({ price: cny(1500), available: null, quota: null });
    expect(JSON.stringify(res.body)).not.toContain(notOffered.skuId);
    expect(JSON.stringify(res.body)).not.toContain('"amount":1000');
  });

  it("pages by product, newest first", async () => {
    const first = await call("GET", "/v1/channel/catalog?limit=1", { token: reseller.apiKey });
    expect(first.body.data.map((p: { id: string }) => p.id)).toEqual([unlisted.productId]);
    const next = await call("GET", `/v1/channel/catalog?limit=1&cursor=${first.body.nextCursor}`, {
      token: reseller.apiKey,
    });
    expect(next.body.data.map((p: { id: string }) => p.id)).toEqual([card.productId]);
    expect(next.body.nextCursor).toBeNull();
    await route.expectProblem(
      await call("GET", "/v1/channel/catalog?limit=500", { token: reseller.apiKey }),
      "validation_failed",
    );
  });

  it("is empty for a reseller with no price list, and answers 403 for a suspended one", async () => {
    const bare = await createReseller(merchant);
    expect((await call("GET", "/v1/channel/catalog", { token: bare.apiKey })).body.data).toEqual([]);
    await call("PATCH", `/v1/admin/channels/${bare.id}`, { token: merchant.adminKey, json: { status: "suspended" } });
    await route.expectProblem(await call("GET", "/v1/channel/catalog", { token: bare.apiKey }), "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "channel",
    send: (authorization) => call("GET", "/v1/channel/catalog", { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
  });
});
