import {
  balanceMovementStatements,
  type ChannelRow,
  claimQuotaStatements,
  type Db,
  findChannelByPublishableKey,
  isBalanceMismatch,
  isOverdraft,
  isQuotaRefusal,
  ledgerEntryStatement,
  type PriceEntryRow,
  type ProductRow,
  priceEntriesFor,
  type SkuRow,
  shopEntriesFor,
} from "@tessera/db";
import { type ChannelKind, type Currency, channelPrice, type Money, newId, sellsToConsumers } from "@tessera/domain";
import type { ServiceContext } from "../../context";
import { ApiError } from "../../errors";

/** The payment provider of an order paid from a reseller's prepaid balance. */
export const BALANCE_PROVIDER = "balance";

/**
 * The channel an order comes through: where its prices and quota come from, and how it is paid.
 * The shop and the consumer channels are paid at a checkout; a reseller from its balance, in the
 * same batch that writes the order.
 */
export interface SalesChannel {
  /** Stamped on the order; null for the merchant's own shop. */
  id: string | null;
  kind: ChannelKind;
  entries(ctx: ServiceContext, merchantId: string, skuIds: string[]): Promise<PriceEntryRow[]>;
  balance?: { channelId: string; currency: Currency };
}

/** The merchant's own shop: list prices, and the shop channel's quotas. */
export const SHOP: SalesChannel = {
  id: null,
  kind: "shop",
  entries: (ctx, merchantId, skuIds) => shopEntriesFor(ctx.db, merchantId, skuIds),
};

function ownEntries(channel: ChannelRow): SalesChannel["entries"] {
  return (ctx, merchantId, skuIds) => priceEntriesFor(ctx.db, merchantId, channel.id, skuIds);
}

export const missingChannel = () => new ApiError("not_found", "No such channel");

/**
 * The channel a shop API request names with `X-Channel-Key`: the shop when it names none, else a
 * mini-program or app of this merchant. Any other key (another shop's, a reseller's) names
 * nothing here: 404. A suspended channel sells nothing (404), but its buyers still reach the
 * orders they placed through it (`purpose: "read"`).
 */
export async function consumerChannel(
  ctx: ServiceContext,
  merchantId: string,
  publishableKey: string | undefined,
  purpose: "sell" | "read" = "sell",
): Promise<SalesChannel> {
  if (publishableKey === undefined) return SHOP;
  const row = await findChannelByPublishableKey(ctx.db, merchantId, publishableKey);
  if (!row || !sellsToConsumers(row.kind) || (purpose === "sell" && row.status !== "active")) throw missingChannel();
  return { id: row.id, kind: row.kind, entries: ownEntries(row) };
}

export function resellerChannel(row: ChannelRow): SalesChannel {
  return {
    id: row.id,
    kind: row.kind,
    entries: ownEntries(row),
    balance: { channelId: row.id, currency: row.balanceCurrency },
  };
}

/** What a channel charges for the SKUs of one order, and the quota its lines claim. */
export interface PriceBook {
  priceOf(found: { sku: SkuRow; product: ProductRow }): Money | null;
  claims(
    db: Db,
    merchantId: string,
    orderId: string,
    lines: { sku: { id: string }; quantity: number }[],
    at: number,
  ): ReturnType<typeof claimQuotaStatements>;
}

export async function priceBook(
  ctx: ServiceContext,
  merchantId: string,
  channel: SalesChannel,
  skuIds: string[],
): Promise<PriceBook> {
  const entries = new Map((await channel.entries(ctx, merchantId, skuIds)).map((entry) => [entry.skuId, entry]));
  return {
    priceOf: ({ sku, product }) =>
      channelPrice(
        channel.kind,
        { listPrice: { amount: sku.priceAmount, currency: sku.currency }, listed: product.listed },
        entries.get(sku.id),
      ),
    claims: (db, merchant, orderId, lines, at) =>
      claimQuotaStatements(
        db,
        merchant,
        orderId,
        lines.flatMap((line) => {
          const entry = entries.get(line.sku.id);
          return entry ? [{ channelId: entry.channelId, skuId: line.sku.id, quantity: line.quantity }] : [];
        }),
        at,
      ),
  };
}

export interface Settlement {
  order: { status?: "paid"; paidAt?: number };
  payment: { provider?: string; status?: "succeeded" };
  statements: ReturnType<typeof orderPaymentStatements>;
}

function orderPaymentStatements(
  db: Db,
  merchantId: string,
  balance: NonNullable<SalesChannel["balance"]>,
  order: { orderId: string; paymentId: string; total: Money; now: number },
) {
  return [
    ...balanceMovementStatements(db, merchantId, {
      id: newId("balanceEntry", order.now),
      channelId: balance.channelId,
      kind: "order_debit",
      amount: -order.total.amount,
      currency: order.total.currency,
      orderId: order.orderId,
      actor: null,
      note: null,
      createdAt: order.now,
    }),
    ledgerEntryStatement(db, merchantId, {
      id: newId("ledgerEntry", order.now),
      orderId: order.orderId,
      paymentId: order.paymentId,
      kind: "payment",
      amount: order.total.amount,
      currency: order.total.currency,
      createdAt: order.now,
    }),
  ];
}

/**
 * How the order is paid. At a checkout nothing more happens in its batch; from a balance, the
 * debit, its balance row and the money ledger's row join the batch, so the order exists paid
 * exactly when the money has left the balance. A total in another currency than the balance's
 * fails the batch (see `channelRefusal`).
 */
export function settle(
  db: Db,
  merchantId: string,
  channel: SalesChannel,
  order: { orderId: string; paymentId: string; total: Money; now: number },
): Settlement {
  if (!channel.balance) return { order: {}, payment: {}, statements: [] };
  return {
    order: { status: "paid", paidAt: order.now },
    payment: { provider: BALANCE_PROVIDER, status: "succeeded" },
    statements: orderPaymentStatements(db, merchantId, channel.balance, order),
  };
}

/** The answer for an order batch that a channel's guard refused, or null for any other failure. */
export function channelRefusal(error: unknown): ApiError | null {
  if (isQuotaRefusal(error)) return new ApiError("quota_exceeded", "This channel's quota for a SKU is used up");
  if (isOverdraft(error)) return new ApiError("insufficient_funds", "The balance does not cover this order");
  if (isBalanceMismatch(error)) {
    return new ApiError("conflict", "This order is priced in another currency than the balance is kept in");
  }
  return null;
}
