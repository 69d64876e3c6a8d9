import {
  claimRefundStatement,
  findOrder,
  guardedAuditStatement,
  isGuardRefusal,
  ledgerEntryStatement,
  refundedItemsTotal,
  runAtomic,
} from "@tessera/db";
import { deliveries, orders, payments } from "@tessera/db/schema";
import { newId, predecessorsOf } from "@tessera/domain";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { AdminCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import { auditEntry } from "./audit";
import { refundToBalance } from "./channels/balance";
import { BALANCE_PROVIDER } from "./channels/sales";
import { publishOrderOutcome } from "./channels/webhooks";
import { codeLedgerOf } from "./code-ledgers";
import { releaseOrderStock } from "./order-stock";
import { sandboxProvider } from "./payments";
import { stopSubscriptionsOfRefund } from "./subscriptions/outcomes";

export { releaseOrderStock } from "./order-stock";

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
  await completeRefund(ctx, orderId);
  ctx.log.info("order refunded", { orderId, reason });
}

const REFUNDABLE = predecessorsOf("refunded");

/**
 * A merchant's refund of a paid or delivered order. The move to `refunded` and its audit entry
 * are one batch, guarded by the order's status, so of concurrent refunds one wins and an unpaid
 * order never moves (409). Then voucher codes are voided in their ledgers, units never shown to
 * the buyer go back to stock, and the payment is refunded through the provider with its ledger
 * row. Card secrets already delivered cannot be taken back: the audit entry records how many.
 */
export async function refundOrder(ctx: ServiceContext, caller: AdminCaller, orderId: string, reason: string) {
  const found = await findOrder(ctx.db, caller.merchantId, orderId);
  if (!found) throw new ApiError("not_found", "No such order");
  const refusal = () =>
    found.order.status === "refunded"
      ? new ApiError("conflict", "The order was already refunded")
      : new ApiError("conflict", "Only a paid order can be refunded");
  if (!REFUNDABLE.includes(found.order.status)) throw refusal();
  const now = Date.now();
  const vouchers = found.deliveries.filter((row) => row.codeId !== null).length;
  const entry = auditEntry(
    caller,
    "order.refunded",
    orderId,
    {
      reason,
      from: found.order.status,
      vouchersVoided: vouchers,
      cardSecretsKept: found.order.status === "fulfilled" ? found.deliveries.length - vouchers : 0,
    },
    now,
  );
  try {
    await runAtomic(ctx.db, [
      guardedAuditStatement(
        ctx.db,
        caller.merchantId,
        entry,
        sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${orderId} AND ${orders.merchantId} = ${caller.merchantId} AND ${inArray(orders.status, REFUNDABLE)})`,
      ),
      claimRefundStatement(ctx.db, caller.merchantId, orderId, {
        reason: "merchant_refund",
        at: now,
        from: REFUNDABLE,
      }),
    ]);
  } catch (error) {
    if (isGuardRefusal(error)) throw refusal();
    throw error;
  }
  await completeRefund(ctx, orderId);
  ctx.log.info("order refunded", { orderId, reason: "merchant_refund" });
}

/**
 * Everything a refunded order still owes, each step idempotent so the sweep can run it again:
 * its voucher codes are voided; if it was never delivered, its units return to stock; the money
 * goes back once.
 */
export async function completeRefund(ctx: ServiceContext, orderId: string): Promise<void> {
  const order = await ctx.db.select().from(orders).where(eq(orders.id, orderId)).get();
  if (order?.status !== "refunded") return;
  const codes = await ctx.db
    .select({ lookupKey: deliveries.lookupKey })
    .from(deliveries)
    .where(and(eq(deliveries.orderId, orderId), eq(deliveries.merchantId, order.merchantId)))
    .all();
  await Promise.all(
    codes.flatMap(({ lookupKey }) =>
      lookupKey ? [codeLedgerOf(ctx, order.merchantId, lookupKey).void(order.merchantId, lookupKey)] : [],
    ),
  );
  // Units of an order that was delivered were seen by the buyer: they stay sold (a shared
  // account's seat is freed either way).
  await releaseOrderStock(ctx, orderId, { includeCommitted: true, delivered: order.fulfilledAt !== null });
  await stopSubscriptionsOfRefund(ctx, order.merchantId, orderId);
  await settleRefund(ctx, orderId);
  await publishOrderOutcome(ctx, order, "order.refunded");
}

/** Gives the money of a refunded order back, once: the payment moves and the ledger row is unique. */
export async function settleRefund(ctx: ServiceContext, orderId: string): Promise<void> {
  const payment = await ctx.db
    .select()
    .from(payments)
    .where(and(eq(payments.orderId, orderId), eq(payments.status, "succeeded")))
    .get();
  if (!payment) return;
  // Lines refunded one by one already gave their share back (with their own ledger rows).
  const remaining = payment.amount - (await refundedItemsTotal(ctx.db, orderId));
  if (payment.provider === BALANCE_PROVIDER) return refundToBalance(ctx, payment, remaining);
  if (remaining > 0) {
    await sandboxProvider(ctx).refund(payment.id, { amount: remaining, currency: payment.currency });
  }
  const now = Date.now();
  await runAtomic(ctx.db, [
    ctx.db
      .update(payments)
      .set({ status: "refunded", updatedAt: now })
      .where(and(eq(payments.id, payment.id), eq(payments.status, "succeeded"))),
    ...(remaining > 0
      ? [
          ledgerEntryStatement(ctx.db, payment.merchantId, {
            id: newId("ledgerEntry", now),
            orderId,
            paymentId: payment.id,
            kind: "refund",
            amount: -remaining,
            currency: payment.currency,
            createdAt: now,
          }),
        ]
      : []),
  ]);
}
