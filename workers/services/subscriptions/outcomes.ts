import {
  auditStatement,
  closeOpenRenewalsStatement,
  isSubscriptionEventRefusal,
  type NewAuditEntry,
  notificationStatement,
  type RenewalRow,
  renewalIs,
  runAtomic,
  type SubscriptionRow,
  subscriptionEventStatement,
  subscriptionIs,
  subscriptionsOfOrder,
  updateRenewalStatement,
  updateSubscriptionStatement,
} from "@tessera/db";
import { subscriptions } from "@tessera/db/schema";
import { afterFailedCharge, newId, periodBounds } from "@tessera/domain";
import { and, eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../context";

/**
 * Every change to a subscription is one batch: its history row, the change itself and the
 * customer's notice. The history row is unique per period, kind and attempt and carries a guard
 * on the state the change expects, so a change applied twice — by two cron runs, a retried
 * queue message, a replayed charge — fails its second batch whole, and the customer hears once.
 */
async function applyOnce(ctx: ServiceContext, statements: Parameters<typeof runAtomic>[1]): Promise<boolean> {
  try {
    await runAtomic(ctx.db, statements);
    return true;
  } catch (error) {
    if (isSubscriptionEventRefusal(error)) return false;
    throw error;
  }
}

const notice = (
  ctx: ServiceContext,
  sub: SubscriptionRow,
  kind: "subscription_renewed" | "subscription_payment_failed" | "subscription_lapsed" | "subscription_canceled",
  orderId: string,
  at: number,
) =>
  notificationStatement(ctx.db, sub.merchantId, {
    id: newId("notification", at),
    kind,
    orderId,
    subscriptionId: sub.id,
    email: sub.email,
    status: "queued",
    createdAt: at,
  });

/**
 * A renewal's charge went through: the subscription moves to the renewed period (and is due
 * again when it ends), and the customer is told. Recorded even if the subscription was
 * cancelled while the charge was in flight: the money moved, so the period is theirs; it just
 * does not renew again.
 */
export async function recordRenewed(ctx: ServiceContext, sub: SubscriptionRow, renewal: RenewalRow): Promise<boolean> {
  const { start, end } = periodBounds(
    sub.anchorAt,
    { period: sub.period, every: sub.every },
    renewal.period,
    sub.timeZone,
  );
  const at = Date.now();
  return applyOnce(ctx, [
    subscriptionEventStatement(
      ctx.db,
      sub.merchantId,
      {
        id: newId("subscriptionEvent", at),
        subscriptionId: sub.id,
        period: renewal.period,
        kind: "renewed",
        attempt: renewal.attempts,
        orderId: renewal.orderId,
        detail: { periodStart: new Date(start).toISOString(), periodEnd: new Date(end).toISOString() },
        createdAt: at,
      },
      renewalIs(renewal.id, ["charging", "failed", "canceled"]),
    ),
    updateRenewalStatement(ctx.db, renewal.id, { status: "succeeded", nextAttemptAt: null, updatedAt: at }),
    ctx.db
      .update(subscriptions)
      .set({
        currentPeriod: renewal.period,
        currentPeriodStart: start,
        currentPeriodEnd: end,
        status: sql`CASE WHEN ${subscriptions.status} = 'past_due' THEN 'active' ELSE ${subscriptions.status} END`,
        nextRenewalAt: sql`CASE WHEN ${subscriptions.status} IN ('active', 'past_due') THEN ${end} ELSE NULL END`,
        updatedAt: at,
      })
      .where(and(eq(subscriptions.id, sub.id), eq(subscriptions.currentPeriod, renewal.period - 1))),
    notice(ctx, sub, "subscription_renewed", renewal.orderId, at),
  ]);
}

/**
 * A renewal's charge attempt failed (declined, no method saved, or no stock to deliver): the
 * subscription is past due and the attempt is retried on the domain's schedule, or, after the
 * last attempt, the subscription lapses. Either way the customer is told. Nothing is recorded
 * for a subscription cancelled meanwhile, or for an attempt already settled.
 */
export async function recordFailure(
  ctx: ServiceContext,
  sub: SubscriptionRow,
  renewal: RenewalRow,
  failure: string,
  now: number,
): Promise<"retry" | "lapsed" | "unchanged"> {
  const outcome = afterFailedCharge(renewal.attempts, now);
  const at = Date.now();
  const guard = sql`${renewalIs(renewal.id, ["charging"], renewal.attempts)} AND ${subscriptionIs(sub.id, ["active", "past_due"])}`;
  const event = {
    id: newId("subscriptionEvent", at),
    subscriptionId: sub.id,
    period: renewal.period,
    attempt: renewal.attempts,
    orderId: renewal.orderId,
    createdAt: at,
  };
  if (outcome.next === "retry") {
    const applied = await applyOnce(ctx, [
      subscriptionEventStatement(
        ctx.db,
        sub.merchantId,
        { ...event, kind: "payment_failed", detail: { failure, retryAt: new Date(outcome.retryAt).toISOString() } },
        guard,
      ),
      updateRenewalStatement(ctx.db, renewal.id, {
        status: "failed",
        nextAttemptAt: outcome.retryAt,
        lastFailure: failure,
        updatedAt: at,
      }),
      updateSubscriptionStatement(ctx.db, sub.merchantId, sub.id, { status: "past_due", updatedAt: at }, [
        "active",
        "past_due",
      ]),
      notice(ctx, sub, "subscription_payment_failed", renewal.orderId, at),
    ]);
    return applied ? "retry" : "unchanged";
  }
  const applied = await applyOnce(ctx, [
    subscriptionEventStatement(ctx.db, sub.merchantId, { ...event, kind: "lapsed", detail: { failure } }, guard),
    updateRenewalStatement(ctx.db, renewal.id, { status: "lapsed", lastFailure: failure, updatedAt: at }),
    updateSubscriptionStatement(
      ctx.db,
      sub.merchantId,
      sub.id,
      { status: "lapsed", lapsedAt: at, nextRenewalAt: null, updatedAt: at },
      ["active", "past_due"],
    ),
    notice(ctx, sub, "subscription_lapsed", renewal.orderId, at),
  ]);
  return applied ? "lapsed" : "unchanged";
}

/**
 * A renewal that cannot even be ordered (its SKU is gone, its bundle emptied or repriced in
 * another currency) lapses the subscription at once: retrying would meet the same refusal.
 */
export async function lapseUnavailable(ctx: ServiceContext, sub: SubscriptionRow, reason: string): Promise<boolean> {
  const at = Date.now();
  return applyOnce(ctx, [
    subscriptionEventStatement(
      ctx.db,
      sub.merchantId,
      {
        id: newId("subscriptionEvent", at),
        subscriptionId: sub.id,
        period: sub.currentPeriod + 1,
        kind: "lapsed",
        attempt: 0,
        orderId: null,
        detail: { failure: "unavailable", reason },
        createdAt: at,
      },
      subscriptionIs(sub.id, ["active"]),
    ),
    updateSubscriptionStatement(
      ctx.db,
      sub.merchantId,
      sub.id,
      { status: "lapsed", lapsedAt: at, nextRenewalAt: null, updatedAt: at },
      ["active"],
    ),
    notice(ctx, sub, "subscription_lapsed", sub.sourceOrderId, at),
  ]);
}

/**
 * Stops a subscription: nothing renews after the period already paid for, which runs to its
 * end; a renewal waiting for a retry is closed. True when this call cancelled it.
 */
export async function recordCancellation(
  ctx: ServiceContext,
  sub: SubscriptionRow,
  by: string,
  audit?: NewAuditEntry,
): Promise<boolean> {
  const at = Date.now();
  return applyOnce(ctx, [
    subscriptionEventStatement(
      ctx.db,
      sub.merchantId,
      {
        id: newId("subscriptionEvent", at),
        subscriptionId: sub.id,
        period: sub.currentPeriod,
        kind: "canceled",
        attempt: 0,
        orderId: null,
        detail: { by },
        createdAt: at,
      },
      subscriptionIs(sub.id, ["active", "past_due"]),
    ),
    updateSubscriptionStatement(
      ctx.db,
      sub.merchantId,
      sub.id,
      { status: "canceled", canceledAt: at, canceledBy: by, nextRenewalAt: null, updatedAt: at },
      ["active", "past_due"],
    ),
    closeOpenRenewalsStatement(ctx.db, sub.id, at),
    notice(ctx, sub, "subscription_canceled", sub.sourceOrderId, at),
    ...(audit ? [auditStatement(ctx.db, sub.merchantId, audit)] : []),
  ]);
}

/**
 * A refunded first order (or its refunded subscription line) paid for nothing: the
 * subscriptions it started stop, so the customer is never charged for a renewal of a purchase
 * they were refunded. A refunded renewal order leaves its subscription running.
 */
export async function stopSubscriptionsOfRefund(
  ctx: ServiceContext,
  merchantId: string,
  orderId: string,
  itemId?: string,
): Promise<void> {
  const started = (await subscriptionsOfOrder(ctx.db, merchantId, orderId)).filter(
    (sub) => sub.sourceOrderId === orderId && (itemId === undefined || sub.sourceItemId === itemId),
  );
  for (const sub of started) {
    if (sub.status === "active" || sub.status === "past_due") await recordCancellation(ctx, sub, "refund");
  }
}
