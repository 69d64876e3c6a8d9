import { env } from "cloudflare:workers";
import { SANDBOX_TEST_CARDS } from "@tessera/payments";
import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createMerchant,
  createProduct,
  eventually,
  getOrder,
  placeOrder,
  stock,
  stockOf,
  type TestMerchant,
} from "../factories";
import { callWithEnv, expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/sandbox/payments/{paymentId}/complete");
const path = (id: string) => `/v1/sandbox/payments/${id}/complete`;

describe("POST /v1/sandbox/payments/{paymentId}/complete", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let skuId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    skuId = (await createProduct(merchant, "card_secret")).skuId;
    await stock(merchant, skuId, 5);
  });

  it("sends a signed success webhook; the order is paid and delivered at once", async () => {
    const order = (await placeOrder(merchant, [{ skuId, quantity: 1 }])).body;
    const res = await call("POST", path(order.payment.id), { json: { outcome: "succeeded" } });
    expectJson(res, 200);
    expect(res.body).toEqual({
      paymentId: order.payment.id,
      outcome: "succeeded",
      paymentMethodSaved: false,
      webhook: { eventId: expect.stringMatching(/^sbx_evt_/), status: 200 },
    });
    const delivered = await eventually(
      () => getOrder(merchant, order.id, order.accessToken),
      (r) => r.body?.status === "fulfilled",
      2_000,
    );
    expect(delivered.body.status).toBe("fulfilled");
    expect(delivered.body.deliveries).toHaveLength(1);
  });

  it("sends a failure webhook; the order fails and its units go back to stock", async () => {
    const before = await stockOf(merchant, skuId);
    const order = (await placeOrder(merchant, [{ skuId, quantity: 2 }])).body;
    const res = await call("POST", path(order.payment.id), { json: { outcome: "failed" } });
    expectJson(res, 200);
    expect(res.body.webhook.status).toBe(200);
    expect((await getOrder(merchant, order.id, order.accessToken)).body.status).toBe("payment_failed");
    expect(
      await eventually(
        () => stockOf(merchant, skuId),
        (s) => s.reserved === before.reserved,
      ),
    ).toEqual(before);
  });

  it("pays with a test card: one that declines fails the payment; an order starting a subscription saves the card", async () => {
    const declined = (await placeOrder(merchant, [{ skuId, quantity: 1 }])).body;
    const refused = await call("POST", path(declined.payment.id), {
      json: { outcome: "succeeded", card: "4000 0000 0000 9995" },
    });
    expectJson(refused, 200);
    expect(refused.body).toMatchObject({ outcome: "failed", paymentMethodSaved: false });
    expect((await getOrder(merchant, declined.id, declined.accessToken)).body.status).toBe("payment_failed");

    const monthly = await createProduct(merchant, "voucher");
    await call("PUT", `/v1/admin/skus/${monthly.skuId}/renewal`, {
      token: merchant.adminKey,
      json: { renewal: { period: "month", every: 1 } },
    });
    const subscribing = (await placeOrder(merchant, [{ skuId: monthly.skuId, quantity: 1 }])).body;
    const saved = await call("POST", path(subscribing.payment.id), {
      json: { outcome: "succeeded", card: "5555555555554444" },
    });
    expect(saved.body).toMatchObject({ outcome: "succeeded", paymentMethodSaved: true });
    const page = await eventually(
      () => getOrder(merchant, subscribing.id, subscribing.accessToken),
      (r) => r.body?.subscriptions?.length === 1,
    );
    expect(page.body.subscriptions[0].paymentMethod).toBe("Mastercard •••• 4444");
  });

  it("refuses a card number that fails the Luhn check with 400 validation_failed, paying nothing", async () => {
    const order = (await placeOrder(merchant, [{ skuId, quantity: 1 }])).body;
    const res = await call("POST", path(order.payment.id), {
      json: { outcome: "succeeded", card: "4242424242424241" },
    });
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors).toEqual([{ path: "card", message: "fails the Luhn check" }]);
    expect((await getOrder(merchant, order.id, order.accessToken)).body.status).toBe("awaiting_payment");
  });

  it("refuses an unknown outcome with 400 validation_failed", async () => {
    const order = (await placeOrder(merchant, [{ skuId, quantity: 1 }])).body;
    const res = await call("POST", path(order.payment.id), { json: { outcome: "maybe" } });
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors).toContainEqual({ path: "outcome", message: expect.any(String) });
    expect((await getOrder(merchant, order.id, order.accessToken)).body.status).toBe("awaiting_payment");
  });

  it("answers an unknown payment id, or an order id in its place, with 404 not_found and changes nothing", async () => {
    const order = (await placeOrder(merchant, [{ skuId, quantity: 1 }])).body;
    await route.expectProblem(
      await call("POST", path("pay_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { json: { outcome: "succeeded" } }),
      "not_found",
    );
    await route.expectProblem(await call("POST", path(order.id), { json: { outcome: "succeeded" } }), "not_found");
    expect((await getOrder(merchant, order.id, order.accessToken)).body.status).toBe("awaiting_payment");
    const orders = await call("GET", "/v1/admin/orders?status=paid", { token: other.adminKey });
    expect(orders.body.data).toEqual([]);
  });

  it("does not exist where the sandbox is disabled, and pays nothing", async () => {
    const order = (await placeOrder(merchant, [{ skuId, quantity: 1 }])).body;
    const res = await callWithEnv({ SANDBOX_PAYMENTS: "disabled" }, "POST", path(order.payment.id), {
      json: { outcome: "succeeded" },
    });
    await route.expectProblem(res, "not_found");
    expect((await getOrder(merchant, order.id, order.accessToken)).body.status).toBe("awaiting_payment");
  });

  it("reports the card's fingerprint and issuing country; the payment keeps them, never the number", async () => {
    const cardOf = (paymentId: string) =>
      env.DB.prepare("SELECT fingerprint, card_country AS country FROM payments WHERE id = ?")
        .bind(paymentId)
        .first<{ fingerprint: string | null; country: string | null }>();
    const voucher = (await createProduct(merchant, "voucher")).skuId;
    const paid = async (card: string, outcome: "succeeded" | "failed" = "succeeded") => {
      const order = (await placeOrder(merchant, [{ skuId: voucher, quantity: 1 }])).body;
      const res = await call("POST", path(order.payment.id), { json: { outcome, card } });
      expectJson(res, 200);
      expect(res.body.webhook.status).toBe(200);
      return cardOf(order.payment.id);
    };
    const first = await paid("4242 4242 4242 4242");
    const again = await paid(SANDBOX_TEST_CARDS.approves);
    const china = await paid(SANDBOX_TEST_CARDS.chinaIssued);
    const declined = await paid(SANDBOX_TEST_CARDS.declines);
    const failed = await paid(SANDBOX_TEST_CARDS.japanIssued, "failed");
    expect(first).toEqual({ fingerprint: expect.stringMatching(/^fp_[0-9a-f]{24}$/), country: "US" });
    expect(again).toEqual(first);
    expect(china).toEqual({ fingerprint: expect.stringMatching(/^fp_[0-9a-f]{24}$/), country: "CN" });
    expect(china?.fingerprint).not.toBe(first?.fingerprint);
    // A declined card is a signal too: card testing shows up as failures of many fingerprints.
    expect(declined).toEqual({ fingerprint: expect.stringMatching(/^fp_/), country: "US" });
    expect(failed).toEqual({ fingerprint: expect.stringMatching(/^fp_/), country: "JP" });
    const stored = JSON.stringify(
      await env.DB.prepare("SELECT * FROM payments WHERE merchant_id = ?").bind(merchant.id).all(),
    );
    for (const number of Object.values(SANDBOX_TEST_CARDS)) {
      expect(stored).not.toContain(number);
      expect(stored).not.toContain(number.slice(-8));
    }
  });
});
