import {
  type NewSubscription,
  type OrderItemRow,
  type OrderRow,
  paymentMethodOfPayment,
  runAtomic,
  startSubscriptionStatements,
  subscriptionsOfOrder,
} from "@tessera/db";
import { orderItems, payments } from "@tessera/db/schema";
import { newId, periodBounds } from "@tessera/domain";
import { and, eq, isNotNull } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { recipientContext } from "../suppliers/upstream";

/** The vault context of a subscription's top-up recipient, opened at each renewal. */
export const subscriptionRecipientContext = (merchantId: string, subscriptionId: string) =>
  `subscription-recipient:${merchantId}:${subscriptionId}`;

/** An order that starts a subscription pays with a method the provider saves for its renewals. */
export async function savesPaymentMethod(ctx: ServiceContext, orderId: string): Promise<boolean> {
  const line = await ctx.db
    .select({ id: orderItems.id })
    .from(orderItems)
    .where(and(eq(orderItems.orderId, orderId), isNotNull(orderItems.renewalPeriod)))
    .get();
  return line !== undefined;
}

/**
 * Starts a subscription for every subscription line of a paid first order (renewal orders
 * carry no plan on their lines, so they start nothing). Period 0 is the one this order paid
 * for, from the moment it was paid, on the buyer's calendar; the next renewal is due when it
 * ends. Idempotent: a line already subscribed is skipped, so fulfilment may run this again.
 */
export async function startSubscriptions(ctx: ServiceContext, order: OrderRow, items: OrderItemRow[]) {
  const lines = items.filter((item) => item.renewalPeriod !== null && item.parentItemId === null);
  if (lines.length === 0) return;
  const existing = new Set((await subscriptionsOfOrder(ctx.db, order.merchantId, order.id)).map((s) => s.sourceItemId));
  const fresh = lines.filter((line) => !existing.has(line.id));
  if (fresh.length === 0) return;
  const payment = await ctx.db.select().from(payments).where(eq(payments.orderId, order.id)).get();
  const method = payment ? await paymentMethodOfPayment(ctx.db, payment.id) : null;
  const now = Date.now();
  const anchor = order.paidAt ?? now;
  const timeZone = order.timeZone ?? "UTC";
  const rows: NewSubscription[] = [];
  for (const line of fresh) {
    const plan = { period: line.renewalPeriod ?? "month", every: line.renewalEvery ?? 1 };
    const { start, end } = periodBounds(anchor, plan, 0, timeZone);
    const id = newId("subscription", now);
    // A top-up (on its own, or inside a bundle) keeps its recipient for every renewal.
    const recipientLine = [line, ...items.filter((item) => item.parentItemId === line.id)].find(
      (item) => item.recipientCiphertext !== null,
    );
    const recipient = recipientLine?.recipientCiphertext
      ? await ctx.vault.decrypt(recipientLine.recipientCiphertext, recipientContext(order.merchantId, order.id))
      : null;
    rows.push({
      id,
      skuId: line.skuId,
      sourceOrderId: order.id,
      sourceItemId: line.id,
      email: order.email,
      productName: line.productName,
      skuName: line.skuName,
      quantity: line.quantity,
      unitAmount: line.unitAmount,
      currency: line.currency,
      period: plan.period,
      every: plan.every,
      timeZone,
      anchorAt: anchor,
      currentPeriod: 0,
      currentPeriodStart: start,
      currentPeriodEnd: end,
      status: "active",
      nextRenewalAt: end,
      paymentMethodId: method?.id ?? null,
      paymentMethodLabel: method?.label ?? null,
      recipientCiphertext: recipient
        ? await ctx.vault.encrypt(recipient, subscriptionRecipientContext(order.merchantId, id))
        : null,
      recipientMasked: recipientLine?.recipientMasked ?? null,
      canceledAt: null,
      canceledBy: null,
      lapsedAt: null,
      createdAt: now,
      updatedAt: now,
    });
  }
  await runAtomic(ctx.db, startSubscriptionStatements(ctx.db, order.merchantId, rows));
  ctx.log.info("subscriptions started", { orderId: order.id, subscriptions: rows.length });
}
