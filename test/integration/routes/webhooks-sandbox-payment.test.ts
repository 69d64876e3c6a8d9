import { beforeAll, describe, expect, it } from "vitest";
import {
  createMerchant,
  createProduct,
  eventually,
  getOrder,
  paymentEventBody,
  placeOrder,
  postWebhook,
  signWebhook,
  stock,
  type TestMerchant,
  unique,
} from "../factories";
import { expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/webhooks/payments/sandbox");

describe("POST /v1/webhooks/payments/sandbox", () => {
  let merchant: TestMerchant;
  let skuId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    skuId = (await createProduct(merchant, "card_secret", undefined, 1999)).skuId;
    await stock(merchant, skuId, 10);
  });

  const newOrder = async () => (await placeOrder(merchant, [{ skuId, quantity: 1 }])).body;
  const statusOf = async (order: { id: string; accessToken: string }) =>
    (await getOrder(merchant, order.id, order.accessToken)).body.status;

  it("applies a signed payment, answers 200, and the order is delivered", async () => {
    const order = await newOrder();
    const body = paymentEventBody("payment.succeeded", { id: order.payment.id, amount: 1999 });
    const res = await postWebhook(body, await signWebhook(body));
    expectJson(res, 200);
    expect(res.body).toEqual({ received: true, duplicate: false, orderStatus: "paid" });
    expect(
      await eventually(
        () => statusOf(order),
        (s) => s === "fulfilled",
      ),
    ).toBe("fulfilled");
  });

  it("applies a replayed event once and says so", async () => {
    const order = await newOrder();
    const body = paymentEventBody("payment.succeeded", { id: order.payment.id, amount: 1999 });
    const signature = await signWebhook(body);
    expectJson(await postWebhook(body, signature), 200);
    await eventually(
      () => statusOf(order),
      (s) => s === "fulfilled",
    );
    const replay = await postWebhook(body, signature);
    expectJson(replay, 200);
    expect(replay.body).toEqual({ received: true, duplicate: true, orderStatus: "fulfilled" });
    expect((await getOrder(merchant, order.id, order.accessToken)).body.deliveries).toHaveLength(1);
  });

  it("refuses a tampered body, a stale timestamp, a missing signature and a wrong secret with 400 invalid_signature", async () => {
    const order = await newOrder();
    const body = paymentEventBody("payment.succeeded", { id: order.payment.id, amount: 1999 });
    const tampered = body.replace('"amount":1999', '"amount":1');
    await route.expectProblem(await postWebhook(tampered, await signWebhook(body)), "invalid_signature");
    const stale = Math.floor(Date.now() / 1000) - 301;
    await route.expectProblem(await postWebhook(body, await signWebhook(body, stale)), "invalid_signature");
    await route.expectProblem(await postWebhook(body, null), "invalid_signature");
    await route.expectProblem(await postWebhook(body, "t=1,v1=deadbeef"), "invalid_signature");
    await route.expectProblem(
      await postWebhook(body, await signWebhook(body, undefined, "whsec_someone_elses_secret")),
      "invalid_signature",
    );
    expect(await statusOf(order)).toBe("awaiting_payment");
  });

  it("refuses a correctly signed body that is not an event with 400 invalid_signature", async () => {
    const body = JSON.stringify({ hello: "world" });
    await route.expectProblem(await postWebhook(body, await signWebhook(body)), "invalid_signature");
  });

  it("answers a signed event for an unknown payment with 404 not_found", async () => {
    const body = paymentEventBody(
      "payment.succeeded",
      { id: "pay_01JD5ZQ8W4N3M2K1H0G9F8E7D6", amount: 1999 },
      unique("sbx_evt"),
    );
    await route.expectProblem(await postWebhook(body, await signWebhook(body)), "not_found");
  });

  it("refuses a signed event whose amount differs from the payment with 409 conflict, and leaves the order unpaid", async () => {
    const order = await newOrder();
    const body = paymentEventBody("payment.succeeded", { id: order.payment.id, amount: 1 });
    await route.expectProblem(await postWebhook(body, await signWebhook(body)), "conflict");
    expect(await statusOf(order)).toBe("awaiting_payment");
  });
});
