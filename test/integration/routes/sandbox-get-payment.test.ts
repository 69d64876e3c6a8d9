import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, createProduct, placeOrder, type TestMerchant } from "../factories";
import { callWithEnv, expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/sandbox/payments/{paymentId}");
const path = (id: string) => `/v1/sandbox/payments/${id}`;

describe("GET /v1/sandbox/payments/{paymentId}", () => {
  let merchant: TestMerchant;
  let order: { id: string; payment: { id: string } };

  beforeAll(async () => {
    merchant = await createMerchant();
    const { skuId } = await createProduct(merchant, "voucher", undefined, 4200);
    order = (await placeOrder(merchant, [{ skuId, quantity: 2 }])).body;
  });

  it("shows the sandbox checkout page what it needs: order, shop, status and amount", async () => {
    const res = await call("GET", path(order.payment.id));
    expectJson(res, 200);
    expect(res.body).toEqual({
      id: order.payment.id,
      orderId: order.id,
      shop: merchant.slug,
      status: "pending",
      amount: { amount: 8400, currency: "CNY" },
      savesPaymentMethod: false,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/accessToken|email/);
  });

  it("answers an unknown payment id, or an order id in its place, with 404 not_found", async () => {
    await route.expectProblem(await call("GET", path("pay_01JD5ZQ8W4N3M2K1H0G9F8E7D6")), "not_found");
    await route.expectProblem(await call("GET", path(order.id)), "not_found");
  });

  it("does not exist where the sandbox is disabled", async () => {
    const res = await callWithEnv({ SANDBOX_PAYMENTS: "disabled" }, "GET", path(order.payment.id));
    await route.expectProblem(res, "not_found");
  });
});
