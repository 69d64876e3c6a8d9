import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../workers/context";
import { loadConfig } from "../../workers/env";
import type { StockKeeper } from "../../workers/objects/stock-keeper";
import { applyPaymentEvent } from "../../workers/services/payments";
import { TEST_BINDINGS } from "../worker-bindings";
import {
  adminOrder,
  createMerchant,
  createProduct,
  d1Rows,
  eventually,
  getOrder,
  pay,
  paymentEventBody,
  placeOrder,
  postWebhook,
  signWebhook,
  stock,
  stockOf,
  type TestMerchant,
  unique,
} from "./factories";

/**
 * The payment webhook is the one door through which money changes an order. Forged, stale,
 * replayed or mismatched events must be refused or be no-ops; a genuine one is applied once.
 */

async function pendingOrder(quantity = 1, units = 5) {
  const merchant = await createMerchant();
  const card = await createProduct(merchant, "card_secret", undefined, 2500);
  await stock(merchant, card.skuId, units);
  const placed = await placeOrder(merchant, [{ skuId: card.skuId, quantity }]);
  expect(placed.status).toBe(201);
  const payment = { id: placed.body.payment.id as string, amount: placed.body.total.amount as number };
  return { merchant, skuId: card.skuId, order: placed.body, payment };
}

/** Everything the webhook could have changed for an order. */
async function moneyState(merchant: TestMerchant, orderId: string, paymentId: string) {
  const order = await adminOrder(merchant, orderId);
  return {
    order: order.status,
    payment: order.payment.status,
    deliveries: order.deliveries.length,
    paidAt: order.paidAt,
    ledger: await d1Rows(
      "SELECT kind, amount, payment_id FROM ledger_entries WHERE order_id = ? ORDER BY kind",
      orderId,
    ),
    paymentRow: await d1Rows("SELECT status, amount, currency FROM payments WHERE id = ?", paymentId),
  };
}

describe("webhook attacks", () => {
  it("uses the test secret", () => {
    expect(env.SANDBOX_WEBHOOK_SECRET).toBe(TEST_BINDINGS.SANDBOX_WEBHOOK_SECRET);
  });

  it("forged, stale and malformed signatures are refused with 400 and change nothing", async () => {
    const { merchant, skuId, order, payment } = await pendingOrder();
    const before = await moneyState(merchant, order.id, payment.id);
    expect(before).toMatchObject({ order: "awaiting_payment", payment: "pending", deliveries: 0, ledger: [] });
    const now = Math.floor(Date.now() / 1000);
    const genuine = paymentEventBody("payment.succeeded", payment);
    const attempts: [string, string, string | null][] = [];

    // Tampered: a valid signature of another body (a cheaper payment, or another event).
    const cheap = paymentEventBody("payment.succeeded", { id: payment.id, amount: 1 });
    attempts.push(["tampered body", genuine, await signWebhook(cheap, now)]);
    const tamperedByte = genuine.replace('"amount":2500', '"amount":2501');
    expect(tamperedByte).not.toBe(genuine);
    attempts.push(["one byte changed", tamperedByte, await signWebhook(genuine, now)]);
    // Stale: signed more than five minutes ago (or ahead).
    attempts.push(["stale", genuine, await signWebhook(genuine, now - 301)]);
    attempts.push(["from the future", genuine, await signWebhook(genuine, now + 360)]);
    // Signed with another secret.
    attempts.push(["wrong secret", genuine, await signWebhook(genuine, now, "whsec_attacker_0123456789abcdef")]);
    // Missing or garbled headers.
    const valid = await signWebhook(genuine, now);
    const mac = valid.split("v1=")[1] as string;
    attempts.push(["missing header", genuine, null]);
    attempts.push(["empty header", genuine, ""]);
    attempts.push(["garbage", genuine, "garbage"]);
    attempts.push(["no timestamp", genuine, `v1=${mac}`]);
    attempts.push(["no mac", genuine, `t=${now}`]);
    attempts.push(["non-numeric timestamp", genuine, `t=abc,v1=${mac}`]);
    attempts.push(["truncated mac", genuine, `t=${now},v1=${mac.slice(0, 32)}`]);
    attempts.push(["wrong scheme", genuine, `t=${now},v0=${mac}`]);
    attempts.push(["timestamp swapped", genuine, `t=${now - 1},v1=${mac}`]);

    for (const [label, body, signature] of attempts) {
      const res = await postWebhook(body, signature);
      expect.soft(res.status, label).toBe(400);
      expect.soft(res.body.code, label).toBe("invalid_signature");
    }
    expect(await moneyState(merchant, order.id, payment.id)).toEqual(before);
    expect(await d1Rows("SELECT * FROM webhook_events WHERE event_id = ?", JSON.parse(genuine).id)).toEqual([]);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 4, reserved: 1, sold: 0 });

    // The genuine event, correctly signed, still goes through afterwards.
    const accepted = await postWebhook(genuine, valid);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ received: true, duplicate: false, orderStatus: "paid" });
  });

  it("a replayed event answers 200 duplicate and the order is delivered once", async () => {
    const { merchant, skuId, order, payment } = await pendingOrder(2);
    const body = paymentEventBody("payment.succeeded", payment);
    const signature = await signWebhook(body);

    const first = await postWebhook(body, signature);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ received: true, duplicate: false });
    const second = await postWebhook(body, signature);
    expect(second.status).toBe(200);
    expect(second.body.duplicate).toBe(true);
    // And ten more copies at once.
    const burst = await Promise.all(Array.from({ length: 10 }, () => postWebhook(body, signature)));
    expect(burst.map((res) => `${res.status}/${res.body.duplicate}`)).toEqual(Array(10).fill("200/true"));

    const page = await eventually(
      () => getOrder(merchant, order.id, order.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(page.body.deliveries).toHaveLength(2);
    const after = await Promise.all(Array.from({ length: 5 }, () => postWebhook(body, signature)));
    expect(after.map((res) => `${res.status}/${res.body.duplicate}/${res.body.orderStatus}`)).toEqual(
      Array(5).fill("200/true/fulfilled"),
    );
    const state = await moneyState(merchant, order.id, payment.id);
    expect(state).toMatchObject({ order: "fulfilled", payment: "succeeded", deliveries: 2 });
    expect(state.ledger).toEqual([{ kind: "payment", amount: 5000, payment_id: payment.id }]);
    expect(await d1Rows("SELECT count(*) AS n FROM webhook_events WHERE event_id = ?", JSON.parse(body).id)).toEqual([
      { n: 1 },
    ]);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 3, reserved: 0, sold: 2 });
  });

  it("the same genuine event sent 20 times at once is applied once", async () => {
    const { merchant, skuId, order, payment } = await pendingOrder(1);
    const body = paymentEventBody("payment.succeeded", payment);
    const signature = await signWebhook(body);

    const responses = await Promise.all(Array.from({ length: 20 }, () => postWebhook(body, signature)));

    expect(responses.every((res) => res.status === 200)).toBe(true);
    expect(responses.filter((res) => res.body.duplicate === false)).toHaveLength(1);
    await eventually(
      () => getOrder(merchant, order.id, order.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    const state = await moneyState(merchant, order.id, payment.id);
    expect(state).toMatchObject({ order: "fulfilled", deliveries: 1, ledger: [{ kind: "payment", amount: 2500 }] });
    expect(await stockOf(merchant, skuId)).toEqual({ available: 4, reserved: 0, sold: 1 });
  });

  it("a payment.succeeded for an unknown payment answers 404", async () => {
    await pendingOrder();
    const body = paymentEventBody("payment.succeeded", { id: unique("pay_unknown"), amount: 2500 });
    const res = await postWebhook(body, await signWebhook(body));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("not_found");
    expect(await d1Rows("SELECT * FROM webhook_events WHERE event_id = ?", JSON.parse(body).id)).toEqual([]);
  });

  it("an amount (or currency) mismatch answers 409 and the order stays unpaid", async () => {
    const { merchant, skuId, order, payment } = await pendingOrder();
    const before = await moneyState(merchant, order.id, payment.id);
    const short = paymentEventBody("payment.succeeded", { id: payment.id, amount: payment.amount - 1 });
    const foreign = paymentEventBody("payment.succeeded", { id: payment.id, amount: payment.amount, currency: "USD" });

    for (const body of [short, foreign]) {
      const res = await postWebhook(body, await signWebhook(body));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe("conflict");
    }
    expect(await moneyState(merchant, order.id, payment.id)).toEqual(before);
    expect(await adminOrder(merchant, order.id)).toMatchObject({ status: "awaiting_payment", paidAt: null });
    expect(await stockOf(merchant, skuId)).toEqual({ available: 4, reserved: 1, sold: 0 });
  });
});

describe("payment.failed", () => {
  it("releases the reservation at once and marks the order payment_failed; a replay changes nothing", async () => {
    const { merchant, skuId, order, payment } = await pendingOrder(2, 2);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 2, sold: 0 });
    // With the units held, nobody else can buy.
    const blocked = await placeOrder(merchant, [{ skuId, quantity: 1 }]);
    expect(blocked.status).toBe(409);

    const body = paymentEventBody("payment.failed", payment);
    const signature = await signWebhook(body);
    const res = await postWebhook(body, signature);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: true, duplicate: false, orderStatus: "payment_failed" });

    const levels = await eventually(
      () => stockOf(merchant, skuId),
      (value) => value.available === 2,
    );
    expect(levels).toEqual({ available: 2, reserved: 0, sold: 0 });
    expect(await adminOrder(merchant, order.id)).toMatchObject({
      status: "payment_failed",
      statusReason: "payment_failed",
      payment: { status: "failed" },
    });

    const replay = await postWebhook(body, signature);
    expect(replay.body).toMatchObject({ duplicate: true, orderStatus: "payment_failed" });
    expect(await stockOf(merchant, skuId)).toEqual({ available: 2, reserved: 0, sold: 0 });

    // The released units are for sale again.
    const next = await placeOrder(merchant, [{ skuId, quantity: 2 }]);
    expect(next.status).toBe(201);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 2, sold: 0 });
  });

  it("a payment.failed arriving after the payment succeeded changes nothing", async () => {
    const { merchant, skuId, order, payment } = await pendingOrder(1);
    const ok = paymentEventBody("payment.succeeded", payment);
    expect((await postWebhook(ok, await signWebhook(ok))).status).toBe(200);
    await eventually(
      () => getOrder(merchant, order.id, order.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    const before = await moneyState(merchant, order.id, payment.id);

    const late = paymentEventBody("payment.failed", payment);
    const res = await postWebhook(late, await signWebhook(late));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ duplicate: false, orderStatus: "fulfilled" });

    expect(await moneyState(merchant, order.id, payment.id)).toEqual(before);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 4, reserved: 0, sold: 1 });
  });

  it("a release for a failed attempt that runs after a retry paid and delivered the order leaves the sold units sold", async () => {
    const { merchant, skuId, order, payment } = await pendingOrder(1, 1);

    // The failed attempt's release is held at the StockKeeper's door until the test opens it.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const keepers = env.STOCK_KEEPER;
    const gatedEnv = {
      ...env,
      STOCK_KEEPER: {
        idFromName: (name: string) => keepers.idFromName(name),
        get: (id: DurableObjectId) => {
          const stub = keepers.get(id);
          return {
            release: async (...args: Parameters<StockKeeper["release"]>) => {
              await gate;
              return stub.release(...args);
            },
          };
        },
      },
    } as unknown as typeof env;
    const background: Promise<unknown>[] = [];
    const ctx = createServiceContext(gatedEnv, loadConfig(env), (promise) => background.push(promise));
    const failed = await applyPaymentEvent(ctx, "sandbox", {
      id: `sbx_evt_${crypto.randomUUID()}`,
      type: "payment.failed",
      paymentId: payment.id,
      amount: { amount: payment.amount, currency: "CNY" },
      occurredAt: Date.now(),
    });
    expect(failed).toMatchObject({ duplicate: false, orderStatus: "payment_failed" });
    expect(background).toHaveLength(1);

    // The buyer retries and pays; the order is delivered from the still-held reservation.
    await pay(payment.id);
    const page = await eventually(
      () => getOrder(merchant, order.id, order.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(page.body.deliveries).toHaveLength(1);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 0, sold: 1 });

    open();
    await Promise.all(background);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 0, sold: 1 });
    const again = await placeOrder(merchant, [{ skuId, quantity: 1 }], "second@example.test");
    expect(again.status).toBe(409);
  });
});
