import {
  findSubscription,
  listSubscriptionsPage,
  type NewAuditEntry,
  type RenewalRow,
  type SubscriptionEventRow,
  type SubscriptionRow,
  type SubscriptionStatus,
  subscriptionHistory,
  subscriptionsOfOrder,
} from "@tessera/db";
import type { AdminCaller, ServiceContext } from "../../context";
import { actorOf } from "../../context";
import { ApiError } from "../../errors";
import { auditEntry } from "../audit";
import { orderForToken } from "../orders";
import { recordCancellation } from "./outcomes";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function subscriptionView(sub: SubscriptionRow) {
  const ended = sub.status === "canceled" || sub.status === "lapsed";
  return {
    id: sub.id,
    status: sub.status,
    skuId: sub.skuId,
    productName: sub.productName,
    skuName: sub.skuName,
    quantity: sub.quantity,
    price: { amount: sub.unitAmount * sub.quantity, currency: sub.currency },
    renewal: { period: sub.period, every: sub.every },
    timeZone: sub.timeZone,
    currentPeriod: { index: sub.currentPeriod, start: iso(sub.currentPeriodStart), end: iso(sub.currentPeriodEnd) },
    nextRenewalAt: iso(sub.nextRenewalAt),
    /** A cancelled subscription's paid period still runs to its end; a lapsed one ended with it. */
    endsAt: ended ? iso(sub.currentPeriodEnd) : null,
    paymentMethod: sub.paymentMethodLabel,
    recipient: sub.recipientMasked,
    sourceOrderId: sub.sourceOrderId,
    canceledAt: iso(sub.canceledAt),
    lapsedAt: iso(sub.lapsedAt),
    createdAt: iso(sub.createdAt),
  };
}

const renewalView = (row: RenewalRow) => ({
  period: row.period,
  orderId: row.orderId,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: iso(row.nextAttemptAt),
  lastFailure: row.lastFailure,
  createdAt: iso(row.createdAt),
});

const eventView = (row: SubscriptionEventRow) => ({
  id: row.id,
  kind: row.kind,
  period: row.period,
  attempt: row.attempt,
  orderId: row.orderId,
  detail: row.detail ?? null,
  at: iso(row.createdAt),
});

export async function listSubscriptions(
  ctx: ServiceContext,
  merchantId: string,
  options: { limit: number; cursor?: string | undefined; status?: SubscriptionStatus | undefined; email?: string },
) {
  const page = await listSubscriptionsPage(ctx.db, merchantId, options);
  return { data: page.data.map(subscriptionView), nextCursor: page.nextCursor };
}

/** One subscription with its renewals and its history, for staff. */
export async function getSubscription(ctx: ServiceContext, merchantId: string, subscriptionId: string) {
  const sub = await findSubscription(ctx.db, merchantId, subscriptionId);
  if (!sub) throw new ApiError("not_found", "No such subscription");
  const { renewals, events } = await subscriptionHistory(ctx.db, merchantId, sub.id);
  return {
    ...subscriptionView(sub),
    email: sub.email,
    renewals: renewals.map(renewalView),
    history: events.map(eventView),
  };
}

/** The subscriptions an order started or renews, with their renewals, for the order's page. */
export async function subscriptionsForOrder(ctx: ServiceContext, merchantId: string, orderId: string) {
  const subs = await subscriptionsOfOrder(ctx.db, merchantId, orderId);
  return Promise.all(
    subs.map(async (sub) => ({
      ...subscriptionView(sub),
      renewals: (await subscriptionHistory(ctx.db, merchantId, sub.id)).renewals.map((row) => ({
        period: row.period,
        orderId: row.orderId,
        status: row.status,
      })),
    })),
  );
}

async function cancel(ctx: ServiceContext, sub: SubscriptionRow, by: string, audit?: NewAuditEntry) {
  if (sub.status === "lapsed") throw new ApiError("conflict", "The subscription has already lapsed");
  if (sub.status !== "canceled" && !(await recordCancellation(ctx, sub, by, audit))) {
    const now = await findSubscription(ctx.db, sub.merchantId, sub.id);
    if (now?.status === "lapsed") throw new ApiError("conflict", "The subscription has already lapsed");
  }
  const current = (await findSubscription(ctx.db, sub.merchantId, sub.id)) ?? sub;
  return subscriptionView(current);
}

/**
 * The buyer cancels from the order page, with the order's access token: the subscription must
 * be one this order started or renews. Cancelling again answers the cancelled subscription.
 */
export async function cancelForBuyer(
  ctx: ServiceContext,
  slug: string,
  orderId: string,
  subscriptionId: string,
  accessToken: string,
) {
  const found = await orderForToken(ctx, slug, orderId, accessToken);
  const sub = (await subscriptionsOfOrder(ctx.db, found.order.merchantId, orderId)).find(
    (row) => row.id === subscriptionId,
  );
  if (!sub) throw new ApiError("not_found", "No such subscription");
  return cancel(ctx, sub, "customer");
}

/** Staff cancel a subscription for the customer (who asked support, say). */
export async function cancelForStaff(ctx: ServiceContext, caller: AdminCaller, subscriptionId: string) {
  const sub = await findSubscription(ctx.db, caller.merchantId, subscriptionId);
  if (!sub) throw new ApiError("not_found", "No such subscription");
  return cancel(
    ctx,
    sub,
    actorOf(caller),
    auditEntry(caller, "subscription.canceled", sub.id, { orderId: sub.sourceOrderId }),
  );
}
