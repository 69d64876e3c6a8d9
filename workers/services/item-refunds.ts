import {
  claimItemRefundStatements,
  claimRefundStatement,
  findOrder,
  guardedAuditStatement,
  isGuardRefusal,
  itemRefundableGuard,
  ledgerEntryStatement,
  type OrderItemRow,
  runAtomic,
  unsettledItemRefunds,
} from "@tessera/db";
import { deliveries, orderItems, payments } from "@tessera/db/schema";
import { newId } from "@tessera/domain";
import { and, eq } from "drizzle-orm";
import type { AdminCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import { auditEntry } from "./audit";
import { refundItemToBalance } from "./channels/balance";
import { BALANCE_PROVIDER } from "./channels/sales";
import { codeLedgerOf } from "./code-ledgers";
import { sandboxProvider } from "./payments";
import { completeRefund } from "./refunds";
import { stopSubscriptionsOfRefund } from "./subscriptions/outcomes";

/** What a line cost the buyer: a bundle component's share of its line, else its unit price × quantity. */
export const amountOf = (item: Pick<OrderItemRow, "allocatedAmount" | "unitAmount" | "quantity">) =>
  item.allocatedAmount ?? item.unitAmount * item.quantity;

/** Lines that are delivered on their own: bundle lines are delivered (and refunded) by their components. */
const isLeaf = (item: OrderItemRow, items: OrderItemRow[]) =>
  item.kind !== "bundle" || !items.some((other) => other.parentItemId === item.id);

/**
 * Refunds one line of a delivered order — a bundle's component, or one line among several.
 * The claim (the line marked refunded, the order `partially_refunded`, the audit entry) is one
 * batch guarded by the line still being refundable, so of concurrent refunds of a line exactly
 * one wins. Then its voucher codes are voided and its amount goes back with its own ledger row;
 * card secrets already delivered stay sold (the audit entry counts them). When the last line
 * is refunded, the order is refunded as a whole (for nothing more).
 */
export async function refundItem(
  ctx: ServiceContext,
  caller: AdminCaller,
  orderId: string,
  itemId: string,
  reason: string,
) {
  const found = await findOrder(ctx.db, caller.merchantId, orderId);
  const item = found?.items.find((row) => row.id === itemId);
  if (!found || !item) throw new ApiError("not_found", "No such order item");
  if (!isLeaf(item, found.items)) {
    throw new ApiError("conflict", "A bundle is refunded component by component, or with its whole order");
  }
  const refusal = () =>
    item.refundedAt !== null || found.order.status === "refunded"
      ? new ApiError("conflict", "The item was already refunded")
      : new ApiError("conflict", "Only an item of a delivered order can be refunded on its own");
  if (item.refundedAt !== null || !["fulfilled", "partially_refunded"].includes(found.order.status)) throw refusal();
  const now = Date.now();
  const delivered = found.deliveries.filter((row) => row.itemId === itemId);
  const vouchers = delivered.filter((row) => row.codeId !== null).length;
  const entry = auditEntry(
    caller,
    "order.item_refunded",
    orderId,
    {
      itemId,
      reason,
      amount: { amount: amountOf(item), currency: item.currency },
      vouchersVoided: vouchers,
      cardSecretsKept: delivered.length - vouchers,
    },
    now,
  );
  try {
    await runAtomic(ctx.db, [
      guardedAuditStatement(ctx.db, caller.merchantId, entry, itemRefundableGuard(caller.merchantId, orderId, itemId)),
      ...claimItemRefundStatements(ctx.db, caller.merchantId, orderId, itemId, now),
    ]);
  } catch (error) {
    if (isGuardRefusal(error)) throw refusal();
    throw error;
  }
  await settleItemRefund(ctx, orderId, itemId);
  ctx.log.info("order item refunded", { orderId, itemId });
}

/**
 * Everything a claimed per-item refund still owes, each step idempotent so the cron can run
 * it again: the line's codes are voided, its amount is refunded through the provider (keyed by
 * the item, so two lines of one payment are two refunds) with its ledger row, and an order
 * whose every line is now refunded is closed as refunded.
 */
export async function settleItemRefund(ctx: ServiceContext, orderId: string, itemId: string): Promise<void> {
  const item = await ctx.db.select().from(orderItems).where(eq(orderItems.id, itemId)).get();
  if (!item || item.refundedAt === null) return;
  const codes = await ctx.db
    .select({ lookupKey: deliveries.lookupKey })
    .from(deliveries)
    .where(and(eq(deliveries.itemId, itemId), eq(deliveries.merchantId, item.merchantId)))
    .all();
  await Promise.all(
    codes.flatMap(({ lookupKey }) =>
      lookupKey ? [codeLedgerOf(ctx, item.merchantId, lookupKey).void(item.merchantId, lookupKey)] : [],
    ),
  );
  const payment = await ctx.db.select().from(payments).where(eq(payments.orderId, orderId)).get();
  if (payment?.provider === BALANCE_PROVIDER) {
    await refundItemToBalance(ctx, payment, { id: itemId, amount: amountOf(item) });
  } else if (payment) {
    const amount = { amount: amountOf(item), currency: item.currency };
    await sandboxProvider(ctx).refund(payment.id, amount, `${payment.id}:${itemId}`);
    await ledgerEntryStatement(ctx.db, item.merchantId, {
      id: newId("ledgerEntry"),
      orderId,
      paymentId: payment.id,
      kind: "refund",
      amount: -amount.amount,
      currency: amount.currency,
      itemId,
      createdAt: Date.now(),
    });
  }
  if (item.renewalPeriod !== null) await stopSubscriptionsOfRefund(ctx, item.merchantId, orderId, itemId);
  await closeIfAllRefunded(ctx, item.merchantId, orderId);
}

async function closeIfAllRefunded(ctx: ServiceContext, merchantId: string, orderId: string): Promise<void> {
  const items = await ctx.db.select().from(orderItems).where(eq(orderItems.orderId, orderId)).all();
  const open = items.filter((item) => isLeaf(item, items) && item.refundedAt === null);
  if (open.length > 0) return;
  const now = Date.now();
  const [claimed] = await runAtomic(ctx.db, [
    claimRefundStatement(ctx.db, merchantId, orderId, {
      reason: "items_refunded",
      at: now,
      from: ["partially_refunded"],
    }),
  ]);
  if (claimed.length > 0) await completeRefund(ctx, orderId);
}

/** Lines refunded on their own whose money never went back (the invocation died after the claim). */
export async function settleItemRefunds(ctx: ServiceContext, now: number, graceMs: number): Promise<number> {
  const unsettled = await unsettledItemRefunds(ctx.db, now - graceMs, 100);
  for (const { orderId, itemId } of unsettled) await settleItemRefund(ctx, orderId, itemId);
  return unsettled.length;
}
