import { beforeAll, describe, expect, it } from "vitest";
import {
  createChannel,
  createReseller,
  resellerOrder,
  setPrices,
  shopChannelOf,
  type TestReseller,
} from "../channel-kit";
import {
  byRole,
  call,
  createMerchant,
  createProduct,
  createTeam,
  type Role,
  stock,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/channels/{channelId}/prices");
const path = (id: string, query = "") => `/v1/admin/channels/${id}/prices${query}`;

describe("GET /v1/admin/channels/{channelId}/prices", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let reseller: TestReseller;
  let card: { skuId: string; productId: string };
  let voucher: { skuId: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    card = await createProduct(merchant, "card_secret", undefined, 1000);
    await stock(merchant, card.skuId, 5);
    voucher = await createProduct(merchant, "voucher", { uses: 1 }, 3000);
    reseller = await createReseller(merchant, 10_000);
    await setPrices(merchant, reseller.id, [{ skuId: card.skuId, price: 700, quota: 4 }]);
    expectJson(await resellerOrder(reseller, [{ skuId: card.skuId, quantity: 1 }]), 201);
  });

  it("lists every SKU with the reseller's terms: its price, quota and units sold, or not on offer", async () => {
    const res = await call("GET", path(reseller.id), { token: merchant.adminKey });
    expectJson(res, 200);
    const bySku = Object.fromEntries(res.body.data.map((line: { skuId: string }) => [line.skuId, line]));
    expect(bySku[card.skuId]).toEqual({
      skuId: card.skuId,
      productId: card.productId,
      productName: expect.any(String),
      skuName: "Standard",
      kind: "card_secret",
      listed: true,
      listPrice: { amount: 1000, currency: "CNY" },
      price: { amount: 700, currency: "CNY" },
      ownPrice: { amount: 700, currency: "CNY" },
      inPriceList: true,
      quota: 4,
      sold: 1,
      remaining: 3,
    });
    expect(bySku[voucher.skuId]).toMatchObject({
      inPriceList: false,
      price: null,
      ownPrice: null,
      quota: null,
      sold: 0,
    });
    const priced = await call("GET", path(reseller.id, "?priced=true"), { token: merchant.adminKey });
    expect(priced.body.data.map((line: { skuId: string }) => line.skuId)).toEqual([card.skuId]);
  });

  it("shows a consumer channel selling every listed SKU at the list price unless it has its own", async () => {
    const app = await createChannel(merchant, "app");
    await setPrices(merchant, app.id, [{ skuId: voucher.skuId, price: 2800 }]);
    const lines = (await call("GET", path(app.id), { token: merchant.adminKey })).body.data;
    const bySku = Object.fromEntries(lines.map((line: { skuId: string }) => [line.skuId, line]));
    expect(bySku[card.skuId]).toMatchObject({ price: { amount: 1000, currency: "CNY" }, inPriceList: false });
    expect(bySku[voucher.skuId]).toMatchObject({ price: { amount: 2800, currency: "CNY" }, inPriceList: true });
    const shop = await shopChannelOf(merchant);
    const shopLines = (await call("GET", path(shop.id), { token: merchant.adminKey })).body.data;
    expect(shopLines.find((line: { skuId: string }) => line.skuId === voucher.skuId).price).toEqual({
      amount: 3000,
      currency: "CNY",
    });
  });

  it("pages through the SKUs newest first", async () => {
    const first = await call("GET", path(reseller.id, "?limit=1"), { token: merchant.adminKey });
    expect(first.body.data).toHaveLength(1);
    expect(first.body.data[0].skuId).toBe(voucher.skuId);
    const second = await call("GET", path(reseller.id, `?limit=1&cursor=${first.body.nextCursor}`), {
      token: merchant.adminKey,
    });
    expect(second.body.data[0].skuId).toBe(card.skuId);
  });

  it("answers another merchant's channel exactly like a missing one", async () => {
    const foreign = await call("GET", path(reseller.id), { token: other.adminKey });
    const missing = await call("GET", path("chn_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
    await route.expectProblem(
      await call("GET", path(reseller.id, "?priced=maybe"), { token: merchant.adminKey }),
      "validation_failed",
    );
  });

  it("is readable by every role", async () => {
    const answers = await byRole(team, (headers) => call("GET", path(reseller.id), { headers }));
    for (const res of Object.values(answers)) expectJson(res, 200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", path(reseller.id), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => reseller.apiKey,
  });
});
