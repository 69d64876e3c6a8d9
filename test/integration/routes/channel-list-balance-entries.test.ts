import { beforeAll, describe, expect, it } from "vitest";
import { createReseller, resellerOrder, setPrices, type TestReseller } from "../channel-kit";
import { call, createMerchant, createProduct, type TestMerchant } from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/channel/balance/entries");
const cny = (amount: number) => ({ amount, currency: "CNY" });

describe("GET /v1/channel/balance/entries", () => {
  let merchant: TestMerchant;
  let reseller: TestReseller;
  let sibling: TestReseller;
  let orderId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    reseller = await createReseller(merchant, 3000);
    sibling = await createReseller(merchant, 700);
    await setPrices(merchant, reseller.id, [{ skuId: voucher.skuId, price: 900 }]);
    orderId = (await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 2 }])).body.id;
  });

  it("lists the reseller's own movements, newest first, with the balance each left", async () => {
    const res = await call("GET", "/v1/channel/balance/entries", { token: reseller.apiKey });
    expectJson(res, 200);
    expect(res.body.data).toEqual([
      {
        id: expect.stringMatching(/^cbe_/),
        kind: "order_debit",
        amount: cny(-1800),
        balanceAfter: cny(1200),
        orderId,
        note: null,
        createdAt: expect.any(String),
      },
      expect.objectContaining({ kind: "top_up", amount: cny(3000), balanceAfter: cny(3000), orderId: null }),
    ]);
    const theirs = (await call("GET", "/v1/channel/balance/entries", { token: sibling.apiKey })).body.data;
    expect(theirs).toEqual([expect.objectContaining({ kind: "top_up", amount: cny(700) })]);
  });

  it("pages with a cursor and refuses a bad limit", async () => {
    const first = await call("GET", "/v1/channel/balance/entries?limit=1", { token: reseller.apiKey });
    const rest = await call("GET", `/v1/channel/balance/entries?limit=1&cursor=${first.body.nextCursor}`, {
      token: reseller.apiKey,
    });
    expect([first.body.data[0].kind, rest.body.data[0].kind]).toEqual(["order_debit", "top_up"]);
    await route.expectProblem(
      await call("GET", "/v1/channel/balance/entries?limit=abc", { token: reseller.apiKey }),
      "validation_failed",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "channel",
    send: (authorization) =>
      call("GET", "/v1/channel/balance/entries", { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
  });
});
