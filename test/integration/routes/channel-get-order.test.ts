import { beforeAll, describe, expect, it } from "vitest";
import { createReseller, resellerOrder, setPrices, type TestReseller } from "../channel-kit";
import { buyAndDeliver, call, createMerchant, createProduct, type TestMerchant } from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/channel/orders/{orderId}");
const path = (id: string) => `/v1/channel/orders/${id}`;

describe("GET /v1/channel/orders/{orderId}", () => {
  let merchant: TestMerchant;
  let reseller: TestReseller;
  let sibling: TestReseller;
  let otherMerchantReseller: TestReseller;
  let voucher: { skuId: string };
  let order: { id: string; deliveries: { code: string }[] };

  beforeAll(async () => {
    merchant = await createMerchant();
    voucher = await createProduct(merchant, "voucher", { uses: 2 }, 1000);
    reseller = await createReseller(merchant, 10_000);
    sibling = await createReseller(merchant, 10_000);
    await setPrices(merchant, reseller.id, [{ skuId: voucher.skuId, price: 800 }]);
    order = (await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 2 }])).body;
    otherMerchantReseller = await createReseller(await createMerchant());
  });

  it("shows the reseller its order with the plain codes and how to use them", async () => {
    const res = await call("GET", path(order.id), { token: reseller.apiKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({ id: order.id, status: "fulfilled", channelId: reseller.id });
    expect(res.body.deliveries).toHaveLength(2);
    expect(res.body.deliveries.map((d: { code: string }) => d.code)).toEqual(order.deliveries.map((d) => d.code));
    expect(res.body.deliveries[0]).toMatchObject({ skuId: voucher.skuId, instructions: "How to use voucher" });
    // The code works: a partner of the merchant can verify it.
    expect(res.body.deliveries[0].code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
  });

  it("answers another reseller's order, and a shop order, exactly like a missing one", async () => {
    const missing = await call("GET", path("ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: sibling.apiKey });
    await expectForeignLikeMissing(route, await call("GET", path(order.id), { token: sibling.apiKey }), missing);
    await expectForeignLikeMissing(
      route,
      await call("GET", path(order.id), { token: otherMerchantReseller.apiKey }),
      missing,
    );
    const shopOrder = await buyAndDeliver(merchant, voucher.skuId);
    const asShop = await call("GET", path(shopOrder.order.id), { token: reseller.apiKey });
    await expectForeignLikeMissing(route, asShop, missing);
    expect(JSON.stringify(asShop.body)).not.toContain(shopOrder.order.deliveries[0].code);
  });

  itRefusesBadCredentials(route, {
    audience: "channel",
    send: (authorization) => call("GET", path(order.id), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
  });
});
