import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { RENEWAL_RETRY_DELAYS_MS } from "@tessera/domain";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/edge";
import {
  bundle,
  buy,
  CARDS,
  ledgerRows,
  noticesOf,
  product,
  runCron,
  sellAsSubscription,
  subscriptionOf,
} from "./bundle-kit";
import {
  call,
  createMerchant,
  createPartner,
  d1Rows,
  getOrder,
  stock,
  stockOf,
  type TestMerchant,
  verify,
} from "./factories";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function renewalOrders(subscriptionId: string) {
  return d1Rows<{ period: number; order_id: string; status: string; attempts: number }>(
    "SELECT period, order_id, status, attempts FROM subscription_renewals WHERE subscription_id = ? ORDER BY period",
    subscriptionId,
  );
}

async function fulfilmentRedelivered(orderId: string, times: number) {
  const batch = createMessageBatch(
    "fulfillment",
    Array.from({ length: times }, (_, i) => ({
      id: `redelivery-${orderId}-${i}`,
      body: { orderId },
      timestamp: new Date(),
      attempts: 2,
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

describe("subscriptions (周期购): renewed by cron, charged off session, fulfilled like any order", () => {
  let merchant: TestMerchant;
  let partner: { id: string; apiKey: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    partner = await createPartner(merchant);
  });

  async function subscribe(options: { card?: string; timeZone?: string; skuId?: string } = {}) {
    const skuId = options.skuId ?? (await product(merchant, "voucher", 3000, { uses: 1 })).skuId;
    if (!options.skuId) await sellAsSubscription(merchant, skuId, { period: "month", every: 1 });
    const bought = await buy(merchant, [{ skuId, quantity: 1 }], {
      card: options.card ?? CARDS.approves,
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    });
    const [subscription] = bought.order.subscriptions;
    return { ...bought, skuId, subscription };
  }

  it("the first purchase saves the card and starts a monthly subscription on the buyer's calendar", async () => {
    const { order, subscription, paymentId } = await subscribe({ timeZone: "Asia/Shanghai" });
    expect(order.items[0]).toMatchObject({ renewal: { period: "month", every: 1 } });
    expect(subscription).toMatchObject({
      status: "active",
      renewal: { period: "month", every: 1 },
      timeZone: "Asia/Shanghai",
      price: { amount: 3000, currency: "CNY" },
      paymentMethod: "Visa •••• 4242",
      currentPeriod: { index: 0 },
      renewals: [],
    });
    expect(subscription.nextRenewalAt).toBe(subscription.currentPeriod.end);
    const paidAt = Date.parse(order.paidAt);
    expect(Date.parse(subscription.currentPeriod.start)).toBe(paidAt);
    expect(Date.parse(subscription.currentPeriod.end) - paidAt).toBeGreaterThanOrEqual(28 * DAY);
    // The provider's token is kept sealed; only its label is ever shown.
    const [saved] = await d1Rows<{ token_ciphertext: string; label: string }>(
      "SELECT token_ciphertext, label FROM payment_methods WHERE payment_id = ?",
      paymentId,
    );
    expect(saved?.label).toBe("Visa •••• 4242");
    expect(saved?.token_ciphertext).not.toContain("pm_sbx_");
  });

  it("renews exactly once per period under 30 concurrent cron runs and redelivered fulfilment, then again next period", async () => {
    const { subscription, orderId, token } = await subscribe();
    const due = Date.parse(subscription.nextRenewalAt);
    await runCron(due - 60_000);
    expect(await renewalOrders(subscription.id)).toEqual([]);

    await Promise.all(Array.from({ length: 30 }, () => runCron(due)));
    const [renewal, ...others] = await renewalOrders(subscription.id);
    expect(others).toEqual([]);
    expect(renewal).toMatchObject({ period: 1, status: "succeeded", attempts: 1 });
    expect(await ledgerRows(renewal?.order_id ?? "")).toEqual([{ kind: "payment", amount: 3000, item_id: null }]);

    // The buyer opens the renewal with the first order's token and finds a new code.
    const page = await getOrder(merchant, renewal?.order_id ?? "", token);
    expect(page.body).toMatchObject({ status: "fulfilled", total: { amount: 3000 } });
    expect(page.body.deliveries).toHaveLength(1);
    const first = await getOrder(merchant, orderId, token);
    expect(page.body.deliveries[0].code).not.toBe(first.body.deliveries[0].code);
    expect((await verify(partner, page.body.deliveries[0].code)).body.valid).toBe(true);

    expect((await fulfilmentRedelivered(renewal?.order_id ?? "", 3)).explicitAcks).toHaveLength(3);
    await Promise.all(Array.from({ length: 10 }, () => runCron(due + 5 * 60_000)));
    const [deliveries] = await d1Rows<{ n: number }>(
      "SELECT count(*) AS n FROM deliveries WHERE order_id = ?",
      renewal?.order_id,
    );
    expect(deliveries?.n).toBe(1);
    expect((await noticesOf(subscription.id)).map((n) => n.kind)).toEqual(["subscription_renewed"]);

    const renewed = await subscriptionOf(merchant, subscription.id);
    expect(renewed).toMatchObject({ status: "active", currentPeriod: { index: 1 } });
    expect(renewed.currentPeriod.start).toBe(subscription.currentPeriod.end);
    expect(renewed.history.map((h: { kind: string; period: number }) => [h.kind, h.period])).toEqual([["renewed", 1]]);

    await Promise.all(Array.from({ length: 10 }, () => runCron(Date.parse(renewed.nextRenewalAt))));
    expect((await renewalOrders(subscription.id)).map((r) => [r.period, r.status])).toEqual([
      [1, "succeeded"],
      [2, "succeeded"],
    ]);
    expect((await noticesOf(subscription.id)).map((n) => n.kind)).toEqual([
      "subscription_renewed",
      "subscription_renewed",
    ]);
  });

  it("a declined renewal is retried after 1 hour, 1 day and 3 days, then lapses, with a notice each time", async () => {
    const { subscription } = await subscribe({ card: CARDS.declinesLater });
    const due = Date.parse(subscription.nextRenewalAt);
    await Promise.all(Array.from({ length: 5 }, () => runCron(due)));
    let now = due;
    const seen: string[] = [];
    for (const delay of RENEWAL_RETRY_DELAYS_MS) {
      const state = await subscriptionOf(merchant, subscription.id);
      seen.push(state.status);
      const [renewal] = state.renewals;
      expect(renewal).toMatchObject({ status: "failed", lastFailure: "card_declined" });
      // Not before its time, and once when due, however many ticks run.
      await runCron(Date.parse(renewal.nextAttemptAt) - 1_000);
      expect((await subscriptionOf(merchant, subscription.id)).renewals[0].attempts).toBe(renewal.attempts);
      now += delay;
      await Promise.all(Array.from({ length: 5 }, () => runCron(Date.parse(renewal.nextAttemptAt))));
    }
    const lapsed = await subscriptionOf(merchant, subscription.id);
    expect(seen).toEqual(["past_due", "past_due", "past_due"]);
    expect(lapsed).toMatchObject({
      status: "lapsed",
      nextRenewalAt: null,
      endsAt: subscription.currentPeriod.end,
      renewals: [{ period: 1, status: "lapsed", attempts: 4, lastFailure: "card_declined" }],
    });
    expect(lapsed.history.map((h: { kind: string; attempt: number }) => `${h.kind}#${h.attempt}`)).toEqual([
      "payment_failed#1",
      "payment_failed#2",
      "payment_failed#3",
      "lapsed#4",
    ]);
    expect((await noticesOf(subscription.id)).map((n) => n.kind)).toEqual([
      "subscription_payment_failed",
      "subscription_payment_failed",
      "subscription_payment_failed",
      "subscription_lapsed",
    ]);
    const [renewal] = lapsed.renewals;
    expect(await ledgerRows(renewal.orderId)).toEqual([]);
    // Nothing renews after a lapse, however late the cron runs.
    await runCron(now + 90 * DAY);
    expect(await renewalOrders(subscription.id)).toHaveLength(1);
  });

  it("a charge that fails once is retried an hour later and renews; the subscription is active again", async () => {
    const { subscription, token } = await subscribe({ card: CARDS.failsOnceLater });
    const due = Date.parse(subscription.nextRenewalAt);
    await runCron(due);
    const failed = await subscriptionOf(merchant, subscription.id);
    expect(failed).toMatchObject({
      status: "past_due",
      renewals: [{ status: "failed", lastFailure: "processing_error" }],
    });
    expect(Date.parse(failed.renewals[0].nextAttemptAt)).toBe(due + HOUR);
    await Promise.all(Array.from({ length: 5 }, () => runCron(due + HOUR)));
    const renewed = await subscriptionOf(merchant, subscription.id);
    expect(renewed).toMatchObject({
      status: "active",
      currentPeriod: { index: 1 },
      renewals: [{ status: "succeeded", attempts: 2 }],
    });
    // Counted from the anchor: the late retry does not shift the next period.
    expect(renewed.currentPeriod.start).toBe(subscription.currentPeriod.end);
    const page = await getOrder(merchant, renewed.renewals[0].orderId, token);
    expect(page.body.status).toBe("fulfilled");
    expect((await noticesOf(subscription.id)).map((n) => n.kind)).toEqual([
      "subscription_payment_failed",
      "subscription_renewed",
    ]);
  });

  it("cancelling from the order page stops future renewals but not the paid period; its code stays valid", async () => {
    const { subscription, orderId, token, order } = await subscribe();
    const cancel = await call(
      "POST",
      `/v1/shops/${merchant.slug}/orders/${orderId}/subscriptions/${subscription.id}/cancel`,
      {
        token,
      },
    );
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({
      status: "canceled",
      nextRenewalAt: null,
      endsAt: subscription.currentPeriod.end,
    });
    await Promise.all(Array.from({ length: 5 }, () => runCron(Date.parse(subscription.currentPeriod.end) + DAY)));
    expect(await renewalOrders(subscription.id)).toEqual([]);
    expect((await verify(partner, order.deliveries[0].code)).body.valid).toBe(true);
    expect((await noticesOf(subscription.id)).map((n) => n.kind)).toEqual(["subscription_canceled"]);
  });

  it("cancelling while a renewal waits for its retry closes it: no more attempts", async () => {
    const { subscription, orderId, token } = await subscribe({ card: CARDS.declinesLater });
    const due = Date.parse(subscription.nextRenewalAt);
    await runCron(due);
    expect((await subscriptionOf(merchant, subscription.id)).status).toBe("past_due");
    const path = `/v1/shops/${merchant.slug}/orders/${orderId}/subscriptions/${subscription.id}/cancel`;
    expect((await call("POST", path, { token })).body.status).toBe("canceled");
    for (const delay of RENEWAL_RETRY_DELAYS_MS) await runCron(due + delay + 1_000);
    const after = await subscriptionOf(merchant, subscription.id);
    expect(after).toMatchObject({ status: "canceled", renewals: [{ status: "canceled", attempts: 1 }] });
  });

  it("a card-secret renewal with no stock left is not charged: the attempt fails as insufficient_stock", async () => {
    const card = await product(merchant, "card_secret", 1200);
    await stock(merchant, card.skuId, 1);
    await sellAsSubscription(merchant, card.skuId);
    const { subscription } = await subscribe({ skuId: card.skuId });
    await runCron(Date.parse(subscription.nextRenewalAt));
    const state = await subscriptionOf(merchant, subscription.id);
    expect(state).toMatchObject({
      status: "past_due",
      renewals: [{ status: "failed", lastFailure: "insufficient_stock" }],
    });
    expect(await ledgerRows(state.renewals[0].orderId)).toEqual([]);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 0, reserved: 0, sold: 1 });

    // Restocked before the retry: the retry holds the unit, charges, and delivers it.
    await stock(merchant, card.skuId, 1);
    await runCron(Date.parse(state.renewals[0].nextAttemptAt));
    const renewed = await subscriptionOf(merchant, subscription.id);
    expect(renewed).toMatchObject({ status: "active", renewals: [{ status: "succeeded", attempts: 2 }] });
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 0, reserved: 0, sold: 2 });
  });

  it("a bundle can be a subscription: each renewal delivers its components again, at the price agreed", async () => {
    const a = await product(merchant, "voucher", 2000);
    const b = await product(merchant, "voucher", 1000);
    const pack = await bundle(merchant, 2400, [
      { skuId: a.skuId, quantity: 1 },
      { skuId: b.skuId, quantity: 2 },
    ]);
    await sellAsSubscription(merchant, pack.skuId);
    const { subscription, token } = await subscribe({ skuId: pack.skuId });
    await call("PATCH", `/v1/admin/skus/${pack.skuId}`, {
      token: merchant.adminKey,
      json: { price: { amount: 9999, currency: "CNY" } },
    });
    await runCron(Date.parse(subscription.nextRenewalAt));
    const [renewal] = await renewalOrders(subscription.id);
    const page = await getOrder(merchant, renewal?.order_id ?? "", token);
    expect(page.body).toMatchObject({ status: "fulfilled", total: { amount: 2400 } });
    expect(page.body.items[0].components.map((c: { amount: { amount: number } }) => c.amount.amount)).toEqual([
      1200, 1200,
    ]);
    expect(page.body.deliveries).toHaveLength(3);
  });

  it("an attempt left unfinished by a dead invocation is finished by a later tick, recorded once", async () => {
    const { subscription } = await subscribe();
    const due = Date.parse(subscription.nextRenewalAt);
    await runCron(due);
    const [renewal] = await renewalOrders(subscription.id);
    // As if the invocation died after the provider's webhook was applied, before the renewal was recorded.
    await d1Rows("DELETE FROM notifications WHERE subscription_id = ?", subscription.id);
    await d1Rows("DELETE FROM subscription_events WHERE subscription_id = ?", subscription.id);
    await d1Rows(
      "UPDATE subscription_renewals SET status = 'charging', updated_at = 0 WHERE subscription_id = ?",
      subscription.id,
    );
    await d1Rows("UPDATE subscriptions SET current_period = 0, next_renewal_at = NULL WHERE id = ?", subscription.id);
    await Promise.all(Array.from({ length: 5 }, () => runCron(due + 60_000)));
    expect(await renewalOrders(subscription.id)).toEqual([{ ...renewal, status: "succeeded" }]);
    expect((await subscriptionOf(merchant, subscription.id)).currentPeriod.index).toBe(1);
    expect((await noticesOf(subscription.id)).map((n) => n.kind)).toEqual(["subscription_renewed"]);
    expect(await ledgerRows(renewal?.order_id ?? "")).toHaveLength(1);
  });

  it("a subscription whose saved method is gone fails its renewal as no_payment_method, uncharged", async () => {
    const skuId = (await product(merchant, "voucher", 500)).skuId;
    await sellAsSubscription(merchant, skuId, { period: "week", every: 2 });
    const { subscription } = await subscribe({ skuId });
    expect(subscription.renewal).toEqual({ period: "week", every: 2 });
    expect(Date.parse(subscription.currentPeriod.end) - Date.parse(subscription.currentPeriod.start)).toBe(14 * DAY);
    await d1Rows("UPDATE subscriptions SET payment_method_id = NULL WHERE id = ?", subscription.id);
    await runCron(Date.parse(subscription.nextRenewalAt));
    const state = await subscriptionOf(merchant, subscription.id);
    expect(state.renewals[0]).toMatchObject({ status: "failed", lastFailure: "no_payment_method" });
    expect(await ledgerRows(state.renewals[0].orderId)).toEqual([]);
  });

  it("refunding the first order stops its subscription: no renewal is ever charged; refunding a renewal does not", async () => {
    const refunded = await subscribe();
    const refund = (orderId: string) =>
      call("POST", `/v1/admin/orders/${orderId}/refund`, { token: merchant.adminKey, json: { reason: "Not wanted" } });
    expect((await refund(refunded.orderId)).status).toBe(200);
    expect(await subscriptionOf(merchant, refunded.subscription.id)).toMatchObject({
      status: "canceled",
      nextRenewalAt: null,
      history: [expect.objectContaining({ kind: "canceled", detail: { by: "refund" } })],
    });
    await runCron(Date.parse(refunded.subscription.currentPeriod.end) + 60_000);
    expect(await renewalOrders(refunded.subscription.id)).toEqual([]);

    const kept = await subscribe();
    await runCron(Date.parse(kept.subscription.nextRenewalAt));
    const [renewal] = await renewalOrders(kept.subscription.id);
    expect((await refund(renewal?.order_id ?? "")).status).toBe(200);
    expect((await subscriptionOf(merchant, kept.subscription.id)).status).toBe("active");
  });

  it("refunding the subscription line alone, in an order of two lines, stops that subscription", async () => {
    const monthly = await product(merchant, "voucher", 2000);
    await sellAsSubscription(merchant, monthly.skuId);
    const once = await product(merchant, "voucher", 500);
    const { order, orderId } = await buy(merchant, [
      { skuId: monthly.skuId, quantity: 1 },
      { skuId: once.skuId, quantity: 1 },
    ]);
    const line = order.items.find((item: { skuId: string }) => item.skuId === monthly.skuId);
    const res = await call("POST", `/v1/admin/orders/${orderId}/items/${line.id}/refund`, {
      token: merchant.adminKey,
      json: { reason: "No subscription, thanks" },
    });
    expect(res.body.status).toBe("partially_refunded");
    expect((await subscriptionOf(merchant, order.subscriptions[0].id)).status).toBe("canceled");
    expect(await ledgerRows(orderId)).toEqual([
      { kind: "payment", amount: 2500, item_id: null },
      { kind: "refund", amount: -2000, item_id: line.id },
    ]);
  });
});
