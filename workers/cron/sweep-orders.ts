import { orders, payments } from "@tessera/db/schema";
import { and, eq, inArray, lt } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { completeRefund, releaseOrderStock } from "../services/refunds";
import { HOLD_REASONS } from "../services/risk/screening";

const GRACE_MS = 60_000;
const BATCH = 100;

/**
 * The safety net under the event-driven paths: unpaid orders whose reservation lapsed are
 * released and marked expired (in case a StockKeeper's event went astray), paid orders still
 * undelivered after a minute are put back on the fulfilment queue, held orders still waiting
 * for their score (or their block's refund) after a minute go back on the `risk` queue, and
 * refunds left half-done are settled.
 */
export async function sweepOrders(
  ctx: ServiceContext,
  now: number,
): Promise<{ expired: number; requeued: number; rescored: number; settled: number }> {
  const lapsed = await ctx.db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        inArray(orders.status, ["awaiting_payment", "payment_failed"]),
        lt(orders.reservationExpiresAt, now - GRACE_MS),
      ),
    )
    .limit(BATCH)
    .all();
  for (const { id } of lapsed) {
    await releaseOrderStock(ctx, id);
    await ctx.db
      .update(orders)
      .set({ status: "expired", statusReason: "reservation_expired", updatedAt: now })
      .where(and(eq(orders.id, id), inArray(orders.status, ["awaiting_payment", "payment_failed"])));
  }
  const stuck = await ctx.db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.status, "paid"), lt(orders.paidAt, now - GRACE_MS)))
    .limit(BATCH)
    .all();
  if (stuck.length > 0) {
    await ctx.env.FULFILLMENT.sendBatch(
      stuck.map(({ id }) => ({ body: { orderId: id }, contentType: "json" as const })),
    );
  }
  const waiting = await ctx.db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.status, "on_hold"),
        inArray(orders.statusReason, [HOLD_REASONS.scoring, HOLD_REASONS.blocked]),
        lt(orders.paidAt, now - GRACE_MS),
      ),
    )
    .limit(BATCH)
    .all();
  if (waiting.length > 0) {
    await ctx.env.RISK.sendBatch(waiting.map(({ id }) => ({ body: { orderId: id }, contentType: "json" as const })));
  }
  // A refund whose invocation died after claiming the order still owes the buyer the money
  // (and, before that, the voiding of its codes).
  const unsettled = await ctx.db
    .select({ id: orders.id })
    .from(orders)
    .innerJoin(payments, eq(payments.orderId, orders.id))
    .where(and(eq(orders.status, "refunded"), eq(payments.status, "succeeded"), lt(orders.refundedAt, now - GRACE_MS)))
    .limit(BATCH)
    .all();
  for (const { id } of unsettled) await completeRefund(ctx, id);
  return { expired: lapsed.length, requeued: stuck.length, rescored: waiting.length, settled: unsettled.length };
}
