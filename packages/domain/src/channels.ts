import type { Currency, Money } from "./money";

/**
 * The doors a merchant sells through. The shop is the merchant's own storefront and every
 * merchant has exactly one; a mini-program and an app are the merchant's own clients and order
 * through the shop API with their publishable key; a reseller (代理) buys wholesale through the
 * channel API with its secret key, paying from a prepaid balance.
 */
export const CHANNEL_KINDS = ["shop", "mini_program", "app", "reseller"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Kinds a merchant may add; the shop exists from the start. */
export const ADDABLE_CHANNEL_KINDS = ["mini_program", "app", "reseller"] as const satisfies readonly ChannelKind[];

/** Channels that sell to consumers at public prices, through the shop API. */
export function sellsToConsumers(kind: ChannelKind): boolean {
  return kind !== "reseller";
}

/** One line of a channel's price list: a price of its own (null: the SKU's list price) and a quota. */
export interface PriceEntry {
  priceAmount: number | null;
  currency: Currency | null;
  /** At most this many units through the channel; null for no limit. */
  quota: number | null;
  /** Units held by the channel's live orders since the entry was made. */
  quotaUsed: number;
}

export interface PricedSku {
  listPrice: Money;
  /** Listed in the shop: consumer channels sell only listed products. */
  listed: boolean;
}

/**
 * The price a channel sells a SKU at, or null when it does not sell it. Consumer channels sell
 * every listed SKU, at their own price where the price list has one and at the list price
 * otherwise; a reseller sells exactly what its price list holds (listed in the shop or not), so
 * a SKU the merchant never priced for it is not on offer.
 */
export function channelPrice(kind: ChannelKind, sku: PricedSku, entry: PriceEntry | undefined): Money | null {
  if (kind === "reseller" ? entry === undefined : !sku.listed) return null;
  if (entry?.priceAmount == null || entry.currency == null) return sku.listPrice;
  return { amount: entry.priceAmount, currency: entry.currency };
}

/** Units the channel may still sell of the SKU; null when it has no quota. */
export function quotaRemaining(entry: Pick<PriceEntry, "quota" | "quotaUsed"> | undefined): number | null {
  if (entry?.quota == null) return null;
  return Math.max(0, entry.quota - entry.quotaUsed);
}

/** What a buyer of the channel may order: the stock on sale, capped by the quota left. */
export function availableThrough(stock: number | null, remaining: number | null): number | null {
  if (remaining === null) return stock;
  return stock === null ? remaining : Math.min(stock, remaining);
}

export function sameMoney(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}

/** What a reseller's webhook endpoints are told about: an order delivered, an order refunded. */
export const CHANNEL_EVENT_TYPES = ["order.fulfilled", "order.refunded"] as const;
export type ChannelEventType = (typeof CHANNEL_EVENT_TYPES)[number];

/** A webhook delivery is given up (and marked failed) after this many attempts. */
export const WEBHOOK_MAX_ATTEMPTS = 8;

/** Where a webhook delivery stands after its `attempts`-th attempt (counted from 1). */
export function webhookDeliveryStep(attempts: number, delivered: boolean): "succeeded" | "retry" | "failed" {
  if (delivered) return "succeeded";
  return attempts >= WEBHOOK_MAX_ATTEMPTS ? "failed" : "retry";
}
