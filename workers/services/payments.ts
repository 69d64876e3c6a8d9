import { ledgerEntryStatement, runAtomic, webhookEventStatement } from "@tessera/db";
import { orders, payments } from "@tessera/db/schema";
import { newId, predecessorsOf, UNPAID_STATUSES } from "@tessera/domain";
import { type PaymentEvent, SandboxProvider } from "@tessera/payments";
import { and, eq, inArray } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { ApiError } from "../errors";
import { fulfillOrder } from "./fulfillment";
import { releaseOrderStock } from "./refunds";
import { checkoutPaid, checkoutPaymentFailed } from "./risk/gates";
import { afterHold } from "./risk/scoring";
import { fastRecordStatements, type ScreenOutcome, screenPayment } from "./risk/screening";
import { savedMethodStatements } from "./subscriptions/payment-methods";

export function sandboxProvider(ctx: ServiceContext): SandboxProvider {
  return new SandboxProvider(ctx.config.sandboxWebhookSecret);
}

export type WebhookOutcome = { received: true; duplicate: boolean; orderStatus: string | null };

/**
 * Applies a verified payment event. Recording the event id, moving the payment and the order,
 * and writing the ledger row happen in one atomic batch; every statement is guarded by the
 * state it expects, so a replayed or reordered event changes nothing. A successful payment first
 * passes the fast risk rules: the order then moves to `paid` (fulfilled at once, as before) or to
 * `on_hold` for the `risk` queue, in that same batch.
 */
export async function applyPaymentEvent(
  ctx: ServiceContext,
  provider: string,
  event: PaymentEvent,
): Promise<WebhookOutcome> {
  const payment = await ctx.db.select().from(payments).where(eq(payments.id, event.paymentId)).get();
  if (!payment || payment.provider !== provider) throw new ApiError("not_found", "No such payment");
  if (payment.amount !== event.amount.amount || payment.currency !== event.amount.currency) {
    ctx.log.error("payment amount mismatch", { paymentId: payment.id, eventId: event.id });
    throw new ApiError("conflict", "The event's amount does not match the payment");
  }
  const before =
    event.type === "payment.succeeded"
      ? await ctx.db.select().from(orders).where(eq(orders.id, payment.orderId)).get()
      : undefined;
  const screening: ScreenOutcome =
    event.type === "payment.succeeded"
      ? await screenPayment(ctx, before, payment, event)
      : { hold: false, assessment: null };
  const now = Date.now();
  const [recorded] = await runAtomic(ctx.db, [
    webhookEventStatement(ctx.db, { provider, eventId: event.id, type: event.type, receivedAt: now }),
    ...paymentTransition(ctx, payment, event, now, screening),
    ...(before && screening.assessment ? fastRecordStatements(ctx, before, screening.assessment, now) : []),
    ...(await savedMethodStatements(ctx, payment, event, now)),
  ]);
  const duplicate = recorded.length === 0;
  const order = await ctx.db
    .select({
      status: orders.status,
      statusReason: orders.statusReason,
      email: orders.email,
      clientIp: orders.clientIp,
      deviceId: orders.deviceId,
    })
    .from(orders)
    .where(eq(orders.id, payment.orderId))
    .get();
  // The buyer's gates learn the outcome before the provider is answered, so the next checkout
  // already sees a freed slot or a cool-down. The payment is applied whatever they answer: a
  // gate that cannot be reached costs a slot until the reservation lapses, never the webhook.
  // A paid order frees its slot whether it is delivered at once or held for review.
  if (order && !duplicate) {
    const settled =
      event.type === "payment.succeeded"
        ? checkoutPaid(ctx, payment.merchantId, payment.orderId, order)
        : event.type === "payment.failed"
          ? checkoutPaymentFailed(ctx, payment.merchantId, payment.orderId, order, event.card?.fingerprint ?? null)
          : null;
    await settled?.catch((error) =>
      ctx.log.warn("risk gates not updated", { orderId: payment.orderId, error: String(error) }),
    );
  }
  if (event.type === "payment.succeeded" && order?.status === "paid") {
    // The buyer sees codes at once: fulfil in this invocation after the response, with the
    // queue as the retry path should this attempt not finish.
    await ctx.env.FULFILLMENT.send({ orderId: payment.orderId }, { contentType: "json", delaySeconds: 10 });
    ctx.waitUntil(
      fulfillOrder(ctx, payment.orderId).catch((error) =>
        ctx.log.warn("inline fulfilment failed", { orderId: payment.orderId, error: String(error) }),
      ),
    );
  }
  if (event.type === "payment.succeeded" && order?.status === "on_hold") {
    await afterHold(ctx, payment.orderId, order.statusReason);
  }
  if (event.type === "payment.failed" && order?.status === "payment_failed" && !duplicate) {
    ctx.waitUntil(releaseOrderStock(ctx, payment.orderId));
  }
  return { received: true, duplicate, orderStatus: order?.status ?? null };
}

function paymentTransition(
  ctx: ServiceContext,
  payment: typeof payments.$inferSelect,
  event: PaymentEvent,
  now: number,
  screening: ScreenOutcome,
) {
  // The card tried last is the payment's risk signal; it moves with the transition it came with.
  const card = event.card ? { fingerprint: event.card.fingerprint, cardCountry: event.card.country } : {};
  if (event.type === "payment.succeeded") {
    return [
      ctx.db
        .update(payments)
        .set({ status: "succeeded", updatedAt: now, ...card })
        .where(and(eq(payments.id, payment.id), inArray(payments.status, ["pending", "failed"]))),
      ctx.db
        .update(orders)
        .set(
          screening.hold
            ? { status: "on_hold", statusReason: screening.reason, paidAt: now, updatedAt: now }
            : { status: "paid", paidAt: now, updatedAt: now },
        )
        .where(and(eq(orders.id, payment.orderId), inArray(orders.status, UNPAID_STATUSES))),
      ledgerEntryStatement(ctx.db, payment.merchantId, {
        id: newId("ledgerEntry", now),
        orderId: payment.orderId,
        paymentId: payment.id,
        kind: "payment",
        amount: payment.amount,
        currency: payment.currency,
        createdAt: now,
      }),
    ] as const;
  }
  if (event.type === "payment.failed") {
    return [
      ctx.db
        .update(payments)
        .set({ status: "failed", updatedAt: now, ...card })
        .where(and(eq(payments.id, payment.id), eq(payments.status, "pending"))),
      ctx.db
        .update(orders)
        .set({ status: "payment_failed", statusReason: "payment_failed", updatedAt: now })
        .where(and(eq(orders.id, payment.orderId), inArray(orders.status, predecessorsOf("payment_failed")))),
    ] as const;
  }
  // Refunds are initiated by us; the provider's confirmation changes nothing further.
  return [] as const;
}
