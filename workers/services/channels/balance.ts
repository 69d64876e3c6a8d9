import {
  auditStatement,
  type BalanceEntryRow,
  balanceMovementStatements,
  channelOfOrder,
  findChannel,
  isBalanceMismatch,
  ledgerEntryStatement,
  listBalanceEntriesPage,
  type PaymentRow,
  refundCreditStatements,
  runAtomic,
} from "@tessera/db";
import { payments } from "@tessera/db/schema";
import { type Money, newId } from "@tessera/domain";
import { and, eq } from "drizzle-orm";
import { type AdminCaller, actorOf, type ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { auditEntry } from "../audit";
import { channelOf } from "./registry";

const iso = (ms: number) => new Date(ms).toISOString();

export function balanceEntryView(row: BalanceEntryRow) {
  return {
    id: row.id,
    kind: row.kind,
    amount: { amount: row.amount, currency: row.currency },
    balanceAfter: { amount: row.balanceAfter, currency: row.currency },
    orderId: row.orderId,
    note: row.note,
    createdAt: iso(row.createdAt),
  };
}

/**
 * Adds money the reseller paid the merchant to its balance: the balance, its ledger row and
 * the audit entry change together. Top-ups are in the balance's currency.
 */
export async function topUp(
  ctx: ServiceContext,
  caller: AdminCaller,
  channelId: string,
  input: { amount: Money; note?: string | undefined },
) {
  const channel = await channelOf(ctx, caller.merchantId, channelId);
  if (channel.kind !== "reseller") throw new ApiError("conflict", "Only a reseller has a balance");
  if (input.amount.currency !== channel.balanceCurrency) {
    throw new ApiError("validation_failed", `The balance is kept in ${channel.balanceCurrency}`, {
      errors: [{ path: "amount.currency", message: `must be ${channel.balanceCurrency}` }],
    });
  }
  if (input.amount.amount <= 0) {
    throw new ApiError("validation_failed", "A top-up adds money", {
      errors: [{ path: "amount.amount", message: "must be more than 0" }],
    });
  }
  const now = Date.now();
  const id = newId("balanceEntry", now);
  try {
    await runAtomic(ctx.db, [
      ...balanceMovementStatements(ctx.db, caller.merchantId, {
        id,
        channelId,
        kind: "top_up",
        amount: input.amount.amount,
        currency: input.amount.currency,
        orderId: null,
        actor: actorOf(caller),
        note: input.note ?? null,
        createdAt: now,
      }),
      auditStatement(
        ctx.db,
        caller.merchantId,
        auditEntry(caller, "channel.topped_up", channelId, { entryId: id, amount: input.amount.amount }, now),
      ),
    ]);
  } catch (error) {
    if (isBalanceMismatch(error)) throw new ApiError("conflict", "The balance is kept in another currency");
    throw error;
  }
  const after = await findChannel(ctx.db, caller.merchantId, channelId);
  return {
    entryId: id,
    balance: { amount: after?.balanceAmount ?? 0, currency: channel.balanceCurrency },
  };
}

export async function balanceEntries(
  ctx: ServiceContext,
  merchantId: string,
  channelId: string,
  options: { limit: number; cursor?: string | undefined },
) {
  const page = await listBalanceEntriesPage(ctx.db, merchantId, channelId, options);
  return { data: page.data.map(balanceEntryView), nextCursor: page.nextCursor };
}

/**
 * The refund of an order paid from a balance: what is left of it (lines refunded on their own
 * gave their share back already) goes back to that balance, with its ledger row, the payment's
 * move to `refunded` and the money ledger's refund row in one batch. Each part is guarded (no
 * refund row yet; the payment still succeeded), so a repeat changes nothing.
 */
export async function refundToBalance(ctx: ServiceContext, payment: PaymentRow, remaining: number): Promise<void> {
  const channelId = await channelOfOrder(ctx.db, payment.merchantId, payment.orderId);
  if (!channelId) return;
  const now = Date.now();
  const money = remaining > 0 ? creditStatements(ctx, payment, channelId, remaining, null, now) : [];
  await runAtomic(ctx.db, [
    ctx.db
      .update(payments)
      .set({ status: "refunded", updatedAt: now })
      .where(and(eq(payments.id, payment.id), eq(payments.status, "succeeded"))),
    ...money,
  ]);
}

/** One line refunded on its own, of an order paid from a balance: its share goes back, once. */
export async function refundItemToBalance(
  ctx: ServiceContext,
  payment: PaymentRow,
  item: { id: string; amount: number },
): Promise<void> {
  const channelId = await channelOfOrder(ctx.db, payment.merchantId, payment.orderId);
  if (!channelId || item.amount <= 0) return;
  const [first, ...rest] = creditStatements(ctx, payment, channelId, item.amount, item.id, Date.now());
  await runAtomic(ctx.db, [first, ...rest]);
}

function creditStatements(
  ctx: ServiceContext,
  payment: PaymentRow,
  channelId: string,
  amount: number,
  itemId: string | null,
  now: number,
) {
  return [
    ...refundCreditStatements(ctx.db, payment.merchantId, {
      id: newId("balanceEntry", now),
      channelId,
      kind: "refund_credit",
      amount,
      currency: payment.currency,
      orderId: payment.orderId,
      itemId,
      actor: null,
      note: null,
      createdAt: now,
    }),
    ledgerEntryStatement(ctx.db, payment.merchantId, {
      id: newId("ledgerEntry", now),
      orderId: payment.orderId,
      paymentId: payment.id,
      kind: "refund",
      amount: -amount,
      currency: payment.currency,
      itemId,
      createdAt: now,
    }),
  ] as const;
}
