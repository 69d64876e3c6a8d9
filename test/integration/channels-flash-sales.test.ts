import { describe, expect, it } from "vitest";
import { asChannel, createChannel, createReseller, resellerOrder, setPrices } from "./channel-kit";
import { call, createFlashSale, createMerchant, createProduct, stock } from "./factories";

/**
 * A flash sale is the shop's own promotion: the shop sells at its price from the sale's shards,
 * while a mini-program, an app or a reseller keeps selling at its own price from the SKU's stock,
 * and never shows the sale's price.
 */
describe("a flash sale and the other channels", () => {
  it("prices the shop's orders at the sale's price; other channels neither see nor pay it", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret", undefined, 2000);
    await stock(merchant, card.skuId, 10);
    const sale = await createFlashSale(merchant, card.skuId, { quota: 4, price: 1111, perCustomerLimit: 2 });
    const mini = await createChannel(merchant, "mini_program");
    await setPrices(merchant, mini.id, [{ skuId: card.skuId, price: 1800 }]);
    const reseller = await createReseller(merchant, 10_000);
    await setPrices(merchant, reseller.id, [{ skuId: card.skuId, price: 1500 }]);

    const shopList = await call("GET", `/v1/shops/${merchant.slug}/products`);
    expect(JSON.stringify(shopList.body)).toContain("1111");
    const miniList = await call("GET", `/v1/shops/${merchant.slug}/products`, { headers: asChannel(mini) });
    expect(miniList.body.data[0].skus[0].price).toEqual({ amount: 1800, currency: "CNY" });
    expect(miniList.body.data[0].skus[0]).not.toHaveProperty("flashSale");
    expect(JSON.stringify(miniList.body)).not.toContain("1111");
    const catalog = await call("GET", "/v1/channel/catalog", { token: reseller.apiKey });
    expect(JSON.stringify(catalog.body)).not.toContain("1111");

    const order = (headers: Record<string, string>, email: string) =>
      call("POST", `/v1/shops/${merchant.slug}/orders`, {
        headers,
        json: { email, items: [{ skuId: card.skuId, quantity: 1 }] },
      });
    const viaShop = await order({}, "shop-buyer@example.test");
    expect(viaShop.status).toBe(201);
    expect(viaShop.body.total.amount).toBe(1111);
    const viaMini = await order(asChannel(mini), "mini-buyer@example.test");
    expect(viaMini.status).toBe(201);
    expect(viaMini.body.total.amount).toBe(1800);
    const wholesale = await resellerOrder(reseller, [{ skuId: card.skuId, quantity: 2 }]);
    expect(wholesale.status).toBe(201);
    expect(wholesale.body.total.amount).toBe(3000);
    // Only the shop's order took a unit of the sale.
    const levels = (await call("GET", `/v1/admin/flash-sales/${sale.id}`, { token: merchant.adminKey })).body;
    expect({ remaining: levels.remaining, reserved: levels.reserved, sold: levels.sold }).toEqual({
      remaining: 3,
      reserved: 1,
      sold: 0,
    });
  });
});
