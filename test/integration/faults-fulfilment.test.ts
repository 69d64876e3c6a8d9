import { createExecutionContext, createMessageBatch, getQueueResult, type QueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../workers/context";
import worker from "../../workers/edge";
import { loadConfig } from "../../workers/env";
import { fulfillOrder } from "../../workers/services/fulfillment";
import { applyPaymentEvent } from "../../workers/services/payments";
import {
  buyAndDeliver,
  createMerchant,
  createPartner,
  createProduct,
  d1Rows,
  eventually,
  getOrder,
  ledgerOf,
  pay,
  placeOrder,
  redeem,
  stock,
  stockOf,
  type TestMerchant,
  verify,
} from "./factories";

/**
 * Fulfilment runs inline after the payment webhook and again from the `fulfillment` queue; both
 * may run at once and the queue redelivers. Whatever happens, a paid order gets exactly the
 * ordered number of deliveries, once, and they never change afterwards.
 */

let messageCounter = 0;

async function deliverFulfilment(orderId: string, copies = 1): Promise<QueueResult> {
  const messages = Array.from({ length: copies }, () => ({
    id: `msg-${++messageCounter}`,
    timestamp: new Date(),
    attempts: 1,
    body: { orderId },
  }));
  const batch = createMessageBatch("fulfillment", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  expect(result.retryMessages).toEqual([]);
  expect(new Set(result.explicitAcks)).toEqual(new Set(messages.map((m) => m.id)));
  return result;
}

function deliveryRows(orderId: string) {
  return d1Rows<Record<string, unknown>>(
    "SELECT id, item_id, seq, code_ciphertext, secret_ciphertext, code_id, lookup_key FROM deliveries WHERE order_id = ? ORDER BY item_id, seq",
    orderId,
  );
}

async function codesOnPage(merchant: TestMerchant, orderId: string, accessToken: string): Promise<string[]> {
  const page = await getOrder(merchant, orderId, accessToken);
  expect(page.status).toBe(200);
  expect(page.body.status).toBe("fulfilled");
  return page.body.deliveries.map((d: { code: string; secret?: string }) => `${d.code}/${d.secret ?? ""}`);
}

/** A service context like a request's, whose waitUntil work the test can await. */
function serviceContext() {
  const background: Promise<unknown>[] = [];
  const ctx = createServiceContext(env, loadConfig(env), (promise) => background.push(promise), { test: "fulfilment" });
  return { ctx, background };
}

async function succeed(
  ctx: ReturnType<typeof serviceContext>["ctx"],
  order: { id: string; payment: { id: string }; total: { amount: number; currency: string } },
) {
  return applyPaymentEvent(ctx, "sandbox", {
    id: `sbx_evt_${crypto.randomUUID()}`,
    type: "payment.succeeded",
    paymentId: order.payment.id,
    amount: { amount: order.total.amount, currency: order.total.currency as "CNY" },
    occurredAt: Date.now(),
  });
}

describe("fulfilment redelivered", () => {
  it("a message for an already fulfilled voucher order changes nothing: same deliveries, same codes, uses intact", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const product = await createProduct(merchant, "voucher", { uses: 2 });
    const { order, accessToken } = await buyAndDeliver(merchant, product.skuId, 3);
    const before = await deliveryRows(order.id);
    expect(before).toHaveLength(3);
    const codes = await codesOnPage(merchant, order.id, accessToken);
    const first = order.deliveries[0].code as string;
    expect((await redeem(partner, first)).status).toBe(201);

    await deliverFulfilment(order.id, 3);
    await Promise.all([deliverFulfilment(order.id, 2), deliverFulfilment(order.id, 2)]);

    expect(await deliveryRows(order.id)).toEqual(before);
    expect(await codesOnPage(merchant, order.id, accessToken)).toEqual(codes);
    // The ledgers were not re-armed or reset: the use taken stays taken.
    expect((await verify(partner, first)).body.remainingUses).toBe(1);
    for (const delivery of order.deliveries.slice(1)) {
      expect((await verify(partner, delivery.code)).body.remainingUses).toBe(2);
    }
  });

  it("a message for an already fulfilled card-secret order sells nothing more", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 5);
    const { order, accessToken } = await buyAndDeliver(merchant, card.skuId, 2);
    const before = await deliveryRows(order.id);
    const codes = await codesOnPage(merchant, order.id, accessToken);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 3, reserved: 0, sold: 2 });

    await Promise.all([deliverFulfilment(order.id, 2), deliverFulfilment(order.id, 2)]);

    expect(await deliveryRows(order.id)).toEqual(before);
    expect(await codesOnPage(merchant, order.id, accessToken)).toEqual(codes);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 3, reserved: 0, sold: 2 });
  });
});

describe("fulfilment run concurrently", () => {
  it("voucher order: inline run, three direct runs and two queue messages at once mint exactly 4 armed codes", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const product = await createProduct(merchant, "voucher", { uses: 1 });
    const placed = await placeOrder(merchant, [{ skuId: product.skuId, quantity: 4 }]);
    expect(placed.status).toBe(201);
    const { ctx, background } = serviceContext();

    // The payment starts the inline fulfilment (in `background`); the others race it.
    const outcome = await succeed(ctx, placed.body);
    expect(outcome).toMatchObject({ duplicate: false, orderStatus: "paid" });
    expect(background).toHaveLength(1);
    const results = await Promise.all([
      ...background,
      fulfillOrder(ctx, placed.body.id),
      fulfillOrder(ctx, placed.body.id),
      fulfillOrder(ctx, placed.body.id),
      deliverFulfilment(placed.body.id),
      deliverFulfilment(placed.body.id),
    ]);
    expect(results.slice(1, 4)).toEqual(Array(3).fill({ status: "fulfilled" }));

    const rows = await deliveryRows(placed.body.id);
    expect(rows).toHaveLength(4);
    expect(rows.map((row) => row.seq)).toEqual([0, 1, 2, 3]);
    const reads = await Promise.all(
      [1, 2, 3].map(() => codesOnPage(merchant, placed.body.id, placed.body.accessToken)),
    );
    expect(reads[1]).toEqual(reads[0]);
    expect(reads[2]).toEqual(reads[0]);
    const codes = (reads[0] as string[]).map((entry) => entry.split("/")[0] as string);
    expect(new Set(codes).size).toBe(4);

    // Each delivered code is armed with the policy, once; nothing else was armed for the order.
    for (const code of codes) {
      expect((await verify(partner, code)).body).toMatchObject({ valid: true, status: "active", remainingUses: 1 });
    }
    const ledgers = await Promise.all(codes.map((code) => ledgerOf(merchant.id, code)));
    const armed = await eventually(
      async () => ({
        pending: (await Promise.all(ledgers.map((ledger) => ledger.pendingEvents()))).reduce((a, b) => a + b, 0),
        rows: await d1Rows<{ id: string }>("SELECT id FROM codes WHERE order_id = ?", placed.body.id),
      }),
      (state) => state.pending === 0 && state.rows.length >= 4,
      10_000,
    );
    expect(armed.rows.map((row) => row.id).sort()).toEqual(rows.map((row) => row.code_id).sort());

    // And they redeem exactly once each.
    const redeemed = await Promise.all(codes.flatMap((code) => [redeem(partner, code), redeem(partner, code)]));
    expect(redeemed.filter((res) => res.status === 201)).toHaveLength(4);
  });

  it("card-secret order: concurrent runs commit the reservation once and deliver the same units", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 5);
    const placed = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 2 }]);
    expect(placed.status).toBe(201);
    const { ctx, background } = serviceContext();

    await succeed(ctx, placed.body);
    await Promise.all([
      ...background,
      fulfillOrder(ctx, placed.body.id),
      fulfillOrder(ctx, placed.body.id),
      deliverFulfilment(placed.body.id, 2),
    ]);

    expect(await deliveryRows(placed.body.id)).toHaveLength(2);
    const codes = await codesOnPage(merchant, placed.body.id, placed.body.accessToken);
    expect(new Set(codes).size).toBe(2);
    expect(await codesOnPage(merchant, placed.body.id, placed.body.accessToken)).toEqual(codes);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 3, reserved: 0, sold: 2 });
  });

  it("the queue message arriving while the webhook's inline fulfilment runs ends with exactly the ordered deliveries", async () => {
    const merchant = await createMerchant();
    const product = await createProduct(merchant, "voucher", { uses: 1 });
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 3);
    const placed = await placeOrder(merchant, [
      { skuId: product.skuId, quantity: 3 },
      { skuId: card.skuId, quantity: 2 },
    ]);
    expect(placed.status).toBe(201);

    // The webhook has answered; its inline fulfilment now runs in waitUntil, and the
    // retry-path messages arrive at the same time.
    const paid = await pay(placed.body.payment.id);
    expect(paid.body.webhook.status).toBe(200);
    await Promise.all([
      deliverFulfilment(placed.body.id),
      deliverFulfilment(placed.body.id, 2),
      deliverFulfilment(placed.body.id),
    ]);

    const page = await eventually(
      () => getOrder(merchant, placed.body.id, placed.body.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(page.body.deliveries).toHaveLength(5);
    const rows = await deliveryRows(placed.body.id);
    expect(rows).toHaveLength(5);
    const reads = await Promise.all([1, 2].map(() => codesOnPage(merchant, placed.body.id, placed.body.accessToken)));
    expect(reads[0]).toEqual(reads[1]);
    expect(new Set(reads[0]).size).toBe(5);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 1, reserved: 0, sold: 2 });
  });
});
