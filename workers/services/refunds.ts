import { ledgerEntries, orderItems, orders, payments } from "@tessera/db/schema";
import { newId, predecessorsOf } from "@tessera/domain";
import { and, eq, inArray } from "drizzle-orm";
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
 * Refunds a paid order that cannot be delivered (no stock left for a late payment): the
 * money goes back through the provider, stock taken for it returns, and the order ends
 * `refunded` with the reason. Guarded by status, so running it twice refunds once.
 */
export async function refundUndeliverable(ctx: ServiceContext, orderId: string, reason: string): Promise<void> {
  const order = await ctx.db.select().from(orders).where(eq(orders.id, orderId)).get();
  if (order?.status !== "paid") return;
  const payment = await ctx.db
    .select()
    .from(payments)
    .where(and(eq(payments.orderId, orderId), eq(payments.status, "succeeded")))
    .get();
  await releaseOrderStock(ctx, orderId, { includeCommitted: true });
  const now = Date.now();
  if (payment) await sandboxProvider(ctx).refund();
  await ctx.db.batch([
    ctx.db
      .update(orders)
      .set({ status: "refunded", statusReason: reason, refundedAt: now, updatedAt: now })
      .where(and(eq(orders.id, orderId), inArray(orders.status, predecessorsOf("refunded")))),
    ...(payment
      ? [
          ctx.db
            .update(payments)
            .set({ status: "refunded", updatedAt: now })
            .where(and(eq(payments.id, payment.id), eq(payments.status, "succeeded"))),
          ctx.db
            .insert(ledgerEntries)
            .values({
              id: newId("ledgerEntry", now),
              merchantId: order.merchantId,
              orderId,
              paymentId: payment.id,
              kind: "refund",
              amount: -payment.amount,
              currency: payment.currency,
              createdAt: now,
            })
            .onConflictDoNothing(),
        ]
      : []),
  ]);
  ctx.log.info("order refunded", { orderId, reason });
}
