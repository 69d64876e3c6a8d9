import { ledgerEntryStatement, runAtomic } from "@tessera/db";
import { orderItems, orders, payments } from "@tessera/db/schema";
import { newId } from "@tessera/domain";
import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { sandboxProvider } from "./payments";
import { stockKeeper } from "./stock";

/**
 * Returns the order's card-secret units to stock: a held reservation, and with
 * `includeCommitted` also units committed but never delivered (a refund before delivery).
 */
export async function releaseOrderStock(
  ctx: ServiceContext,
  orderId: string,
  options: { includeCommitted?: boolean } = {},
): Promise<void> {
  const items = await ctx.db
    .select({ skuId: orderItems.skuId, merchantId: orderItems.merchantId })
    .from(orderItems)
    .where(and(eq(orderItems.orderId, orderId), eq(orderItems.kind, "card_secret")))
    .all();
  await Promise.all(
    items.map((item) =>
      stockKeeper(ctx, item.skuId).release({ merchantId: item.merchantId, skuId: item.skuId }, orderId, options),
    ),
  );
}

/**
 * Refunds a paid order that cannot be delivered (no stock left for a late payment). The order's
 * move to `refunded` is claimed first, guarded by its status: of two concurrent runs only the
 * winner returns the stock and asks the provider for the money back (with the payment id as the
 * provider's idempotency key), so a payment is never refunded twice. Should this invocation die
 * after the claim, the order sweep finishes the refund.
 */
export async function refundUndeliverable(ctx: ServiceContext, orderId: string, reason: string): Promise<void> {
  const now = Date.now();
  const claimed = await ctx.db
    .update(orders)
    .set({ status: "refunded", statusReason: reason, refundedAt: now, updatedAt: now })
    .where(and(eq(orders.id, orderId), eq(orders.status, "paid")))
    .returning({ id: orders.id });
  if (claimed.length === 0) return;
  await releaseOrderStock(ctx, orderId, { includeCommitted: true });
  await settleRefund(ctx, orderId);
  ctx.log.info("order refunded", { orderId, reason });
}

/** Gives the money of a refunded order back, once: the payment moves and the ledger row is unique. */
export async function settleRefund(ctx: ServiceContext, orderId: string): Promise<void> {
  const payment = await ctx.db
    .select()
    .from(payments)
    .where(and(eq(payments.orderId, orderId), eq(payments.status, "succeeded")))
    .get();
  if (!payment) return;
  await sandboxProvider(ctx).refund(payment.id, { amount: payment.amount, currency: payment.currency });
  const now = Date.now();
  await runAtomic(ctx.db, [
    ctx.db
      .update(payments)
      .set({ status: "refunded", updatedAt: now })
      .where(and(eq(payments.id, payment.id), eq(payments.status, "succeeded"))),
    ledgerEntryStatement(ctx.db, payment.merchantId, {
      id: newId("ledgerEntry", now),
      orderId,
      paymentId: payment.id,
      kind: "refund",
      amount: -payment.amount,
      currency: payment.currency,
      createdAt: now,
    }),
  ]);
}
