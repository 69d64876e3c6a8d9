import { beforeAll, describe, expect, it } from "vitest";
import { createReseller, resellerOrder, setPrices, type TestReseller } from "../channel-kit";
import { call, createMerchant, createProduct, placeOrder, type TestMerchant } from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/channel/orders");

describe("GET /v1/channel/orders", () => {
  let merchant: TestMerchant;
  let reseller: TestReseller;
  let sibling: TestReseller;
  let voucher: { skuId: string };
  const mine: string[] = [];

  beforeAll(async () => {
    merchant = await createMerchant();
    voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    reseller = await createReseller(merchant, 10_000);
    sibling = await createReseller(merchant, 10_000);
    for (const channel of [reseller, sibling])
      await setPrices(merchant, channel.id, [{ skuId: voucher.skuId, price: 800 }]);
    for (let i = 0; i < 3; i++)
      mine.push((await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 1 }])).body.id);
    await resellerOrder(sibling, [{ skuId: voucher.skuId, quantity: 1 }]);
    await placeOrder(merchant, [{ skuId: voucher.skuId, quantity: 1 }]);
  });

  it("lists only this reseller's orders, newest first, without codes", async () => {
    const res = await call("GET", "/v1/channel/orders", { token: reseller.apiKey });
    expectJson(res, 200);
    expect(res.body.data.map((order: { id: string }) => order.id)).toEqual([...mine].reverse());
    expect(res.body.data[0]).toMatchObject({ status: "fulfilled", channelId: reseller.id, total: { amount: 800 } });
    expect(res.body.data[0]).not.toHaveProperty("deliveries");
  });

  it("filters by status and pages with a cursor", async () => {
    expect((await call("GET", "/v1/channel/orders?status=refunded", { token: reseller.apiKey })).body.data).toEqual([]);
    const first = await call("GET", "/v1/channel/orders?limit=2", { token: reseller.apiKey });
    expect(first.body.data).toHaveLength(2);
    const rest = await call("GET", `/v1/channel/orders?limit=2&cursor=${first.body.nextCursor}`, {
      token: reseller.apiKey,
    });
    expect(rest.body.data.map((order: { id: string }) => order.id)).toEqual([mine[0]]);
    await route.expectProblem(
      await call("GET", "/v1/channel/orders?status=lost", { token: reseller.apiKey }),
      "validation_failed",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "channel",
    send: (authorization) => call("GET", "/v1/channel/orders", { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
  });
});
