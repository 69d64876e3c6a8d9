import { beforeAll, describe, expect, it } from "vitest";
import {
  buyAndDeliver,
  call,
  createMerchant,
  createPartner,
  createProduct,
  stock,
  type TestMerchant,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/orders/{orderId}");
const path = (orderId: string) => `/v1/admin/orders/${orderId}`;

describe("GET /v1/admin/orders/{orderId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let orderId: string;
  let plainCode: string;
  let skuId: string;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    skuId = (await createProduct(merchant, "card_secret")).skuId;
    await stock(merchant, skuId, 2, "GIFTCARD-ABCDEFGH");
    const bought = await buyAndDeliver(merchant, skuId);
    orderId = bought.order.id;
    plainCode = bought.order.deliveries[0].code;
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("shows the order with its payment and its deliveries, codes masked", async () => {
    const res = await call("GET", path(orderId), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      id: orderId,
      status: "fulfilled",
      email: "buyer@example.test",
      total: { amount: 1999, currency: "CNY" },
      items: [{ skuId, quantity: 1, kind: "card_secret", unitPrice: { amount: 1999, currency: "CNY" } }],
      payment: { id: expect.stringMatching(/^pay_/), provider: "sandbox", status: "succeeded" },
      paidAt: expect.any(String),
      fulfilledAt: expect.any(String),
    });
    expect(res.body.deliveries).toEqual([
      {
        id: expect.stringMatching(/^dlv_/),
        skuId,
        codeId: null,
        codeMasked: `${plainCode.slice(0, 4)}${"•".repeat(plainCode.length - 8)}${plainCode.slice(-4)}`,
        createdAt: expect.any(String),
      },
    ]);
    // Staff never see the plain code or its secret here.
    expect(JSON.stringify(res.body)).not.toContain(plainCode);
    expect(JSON.stringify(res.body)).not.toMatch(/"secret"/);
  });

  it("answers an unknown order with 404 not_found", async () => {
    await route.expectProblem(await call("GET", path("ord_missing"), { token: merchant.adminKey }), "not_found");
  });

  it("answers another merchant's order exactly like a missing one", async () => {
    const foreign = await call("GET", path(orderId), { token: other.adminKey });
    const missing = await call("GET", path("ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", path(orderId), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
