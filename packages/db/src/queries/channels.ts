import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  apiKeys,
  channelBalanceEntries,
  channelPrices,
  channelQuotaHolds,
  channels,
  orders,
  products,
  skus,
} from "../schema";
import { type Page, type PageOptions, toPage } from "./page";

export type ChannelRow = typeof channels.$inferSelect;
export type NewChannel = Omit<ChannelRow, "merchantId" | "balanceAmount">;
export type ChannelChanges = Partial<Pick<ChannelRow, "name" | "status" | "contactEmail">>;
export type PriceEntryRow = typeof channelPrices.$inferSelect;
export type QuotaHoldRow = typeof channelQuotaHolds.$inferSelect;
export type BalanceEntryRow = typeof channelBalanceEntries.$inferSelect;
export type ChannelKeyRow = typeof apiKeys.$inferSelect;

export function channelStatement(db: Db, merchantId: string, row: NewChannel) {
  return db.insert(channels).values({ ...row, merchantId });
}

/** The merchant's shop channel, written once: a second writer's row is dropped by the one-shop index. */
export function shopChannelStatement(db: Db, merchantId: string, row: NewChannel) {
  return db
    .insert(channels)
    .values({ ...row, merchantId, kind: "shop" })
    .onConflictDoNothing();
}

export async function findChannel(db: Db, merchantId: string, channelId: string): Promise<ChannelRow | null> {
  return (
    (await db
      .select()
      .from(channels)
      .where(and(eq(channels.id, channelId), eq(channels.merchantId, merchantId)))
      .get()) ?? null
  );
}

export async function findShopChannel(db: Db, merchantId: string): Promise<ChannelRow | null> {
  return (
    (await db
      .select()
      .from(channels)
      .where(and(eq(channels.merchantId, merchantId), eq(channels.kind, "shop")))
      .get()) ?? null
  );
}

/** The channel a publishable key names, only within this merchant: another shop's key names nothing here. */
export async function findChannelByPublishableKey(db: Db, merchantId: string, key: string): Promise<ChannelRow | null> {
  return (
    (await db
      .select()
      .from(channels)
      .where(and(eq(channels.publishableKey, key), eq(channels.merchantId, merchantId)))
      .get()) ?? null
  );
}

/** The merchant's channels, oldest first (the shop leads: it is made with the merchant). */
export function listChannels(db: Db, merchantId: string): Promise<ChannelRow[]> {
  return db.select().from(channels).where(eq(channels.merchantId, merchantId)).orderBy(channels.id).all();
}

export function updateChannelStatement(
  db: Db,
  merchantId: string,
  channelId: string,
  changes: ChannelChanges,
  at: number,
) {
  return db
    .update(channels)
    .set({ ...changes, updatedAt: at })
    .where(and(eq(channels.id, channelId), eq(channels.merchantId, merchantId)));
}

/** A reseller's keys (prefix and hash only), oldest first. */
export function listChannelKeys(db: Db, merchantId: string, channelId: string): Promise<ChannelKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.merchantId, merchantId), eq(apiKeys.kind, "channel"), eq(apiKeys.channelId, channelId)))
    .orderBy(apiKeys.id)
    .all();
}

export async function findChannelKey(
  db: Db,
  merchantId: string,
  channelId: string,
  keyId: string,
): Promise<ChannelKeyRow | null> {
  return (
    (await db
      .select()
      .from(apiKeys)
      .where(
        and(
          eq(apiKeys.id, keyId),
          eq(apiKeys.merchantId, merchantId),
          eq(apiKeys.kind, "channel"),
          eq(apiKeys.channelId, channelId),
        ),
      )
      .get()) ?? null
  );
}

// ---- Price lists ----

/** The channel's entries for these SKUs; SKUs it has no entry for are simply absent. */
export async function priceEntriesFor(
  db: Db,
  merchantId: string,
  channelId: string,
  skuIds: string[],
): Promise<PriceEntryRow[]> {
  const found: PriceEntryRow[] = [];
  for (let i = 0; i < skuIds.length; i += 90) {
    found.push(
      ...(await db
        .select()
        .from(channelPrices)
        .where(
          and(
            eq(channelPrices.channelId, channelId),
            eq(channelPrices.merchantId, merchantId),
            inArray(channelPrices.skuId, skuIds.slice(i, i + 90)),
          ),
        )
        .all()),
    );
  }
  return found;
}

/** The shop channel's entries (its quotas) for these SKUs, found by kind: one round trip, no channel id needed. */
export function shopEntriesFor(db: Db, merchantId: string, skuIds: string[]): Promise<PriceEntryRow[]> {
  if (skuIds.length === 0) return Promise.resolve([]);
  return db
    .select({ entry: channelPrices })
    .from(channelPrices)
    .innerJoin(channels, eq(channels.id, channelPrices.channelId))
    .where(
      and(
        eq(channels.merchantId, merchantId),
        eq(channels.kind, "shop"),
        eq(channelPrices.merchantId, merchantId),
        inArray(channelPrices.skuId, skuIds),
      ),
    )
    .all()
    .then((rows) => rows.map((row) => row.entry));
}

export interface PriceListLine {
  sku: typeof skus.$inferSelect;
  product: typeof products.$inferSelect;
  entry: PriceEntryRow | null;
}

/** Every SKU of the merchant, newest first, with the channel's entry for it (or null): the bulk editor's rows. */
export async function listPriceListPage(
  db: Db,
  merchantId: string,
  channelId: string,
  options: PageOptions & { pricedOnly?: boolean | undefined },
): Promise<Page<PriceListLine>> {
  const filters = [eq(skus.merchantId, merchantId)];
  if (options.cursor) filters.push(lt(skus.id, options.cursor));
  const joined = and(eq(channelPrices.skuId, skus.id), eq(channelPrices.channelId, channelId));
  const query = db.select({ sku: skus, product: products, entry: channelPrices }).from(skus);
  const rows = await (options.pricedOnly
    ? query.innerJoin(channelPrices, joined)
    : query.leftJoin(channelPrices, joined)
  )
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(...filters))
    .orderBy(desc(skus.id))
    .limit(options.limit + 1)
    .all();
  return toPage(
    rows,
    options.limit,
    (row) => row.sku.id,
    (row) => row,
  );
}

/** The SKUs of this merchant among `skuIds` (with their products); foreign and unknown ids are absent. */
export async function skusOfMerchant(db: Db, merchantId: string, skuIds: string[]) {
  const found: { sku: typeof skus.$inferSelect; product: typeof products.$inferSelect }[] = [];
  for (let i = 0; i < skuIds.length; i += 90) {
    found.push(
      ...(await db
        .select({ sku: skus, product: products })
        .from(skus)
        .innerJoin(products, eq(products.id, skus.productId))
        .where(and(eq(skus.merchantId, merchantId), inArray(skus.id, skuIds.slice(i, i + 90))))
        .all()),
    );
  }
  return found;
}

/** Sets a channel's entry for a SKU (price and quota), keeping the units already counted against it. */
export function upsertPriceEntryStatement(
  db: Db,
  merchantId: string,
  entry: Pick<PriceEntryRow, "channelId" | "skuId" | "priceAmount" | "currency" | "quota" | "updatedAt">,
) {
  return db
    .insert(channelPrices)
    .values({ ...entry, merchantId, quotaUsed: 0 })
    .onConflictDoUpdate({
      target: [channelPrices.channelId, channelPrices.skuId],
      set: {
        priceAmount: entry.priceAmount,
        currency: entry.currency,
        quota: entry.quota,
        updatedAt: entry.updatedAt,
      },
    });
}

export function deletePriceEntryStatement(db: Db, merchantId: string, channelId: string, skuId: string) {
  return db
    .delete(channelPrices)
    .where(
      and(
        eq(channelPrices.channelId, channelId),
        eq(channelPrices.skuId, skuId),
        eq(channelPrices.merchantId, merchantId),
      ),
    );
}

/** True when a batch failed because a price-list edit set a quota below the units already counted. */
export function isQuotaRefusal(error: unknown): boolean {
  return failedOn(error, /CHECK constraint failed: channel_quota_within/);
}

/** True when a batch failed because a debit would have overdrawn a channel's balance. */
export function isOverdraft(error: unknown): boolean {
  return failedOn(error, /CHECK constraint failed: channel_balance_nonnegative/);
}

/** True when a balance movement found no channel with that currency (its balance-after came back NULL). */
export function isBalanceMismatch(error: unknown): boolean {
  return failedOn(error, /NOT NULL constraint failed: channel_balance_entries\.balance_after/);
}

function failedOn(error: unknown, pattern: RegExp): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    if (pattern.test(String((cause as Error).message ?? cause))) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** The channel an order of this merchant came through (null: the shop, or no such order). */
export async function channelOfOrder(db: Db, merchantId: string, orderId: string): Promise<string | null> {
  const row = await db
    .select({ channelId: orders.channelId })
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.merchantId, merchantId)))
    .get();
  return row?.channelId ?? null;
}

// ---- Quotas ----

export interface QuotaClaim {
  channelId: string;
  skuId: string;
  quantity: number;
}

/**
 * An order's claim on its channel's quota, as statements for the batch that writes the order:
 * the count goes up (the check fails the batch past the quota) and the hold records what to give
 * back. Entries without a quota are counted too, so a quota set later starts from what was sold.
 */
export function claimQuotaStatements(db: Db, merchantId: string, orderId: string, claims: QuotaClaim[], at: number) {
  return claims.flatMap((claim) => [
    db
      .update(channelPrices)
      .set({ quotaUsed: sql`${channelPrices.quotaUsed} + ${claim.quantity}`, updatedAt: at })
      .where(
        and(
          eq(channelPrices.channelId, claim.channelId),
          eq(channelPrices.skuId, claim.skuId),
          eq(channelPrices.merchantId, merchantId),
        ),
      ),
    db.insert(channelQuotaHolds).values({ ...claim, orderId, merchantId, status: "held", updatedAt: at }),
  ]);
}

export function quotaHoldsOf(db: Db, orderId: string, status: QuotaHoldRow["status"]): Promise<QuotaHoldRow[]> {
  return db
    .select()
    .from(channelQuotaHolds)
    .where(and(eq(channelQuotaHolds.orderId, orderId), eq(channelQuotaHolds.status, status)))
    .all();
}

const holdIs = (hold: QuotaHoldRow, status: QuotaHoldRow["status"]) =>
  sql`EXISTS (SELECT 1 FROM ${channelQuotaHolds} WHERE ${channelQuotaHolds.orderId} = ${hold.orderId} AND ${channelQuotaHolds.skuId} = ${hold.skuId} AND ${channelQuotaHolds.status} = ${status})`;

const entryOf = (hold: QuotaHoldRow) =>
  and(
    eq(channelPrices.channelId, hold.channelId),
    eq(channelPrices.skuId, hold.skuId),
    eq(channelPrices.merchantId, hold.merchantId),
  );

/**
 * Gives held units back, as one batch per order: each hold moves to `released` and its units
 * leave the count only while it was still held, so of concurrent releases one gives them back.
 * (The count never drops below zero, even for an entry removed and made again meanwhile.)
 */
export function releaseQuotaStatements(db: Db, holds: QuotaHoldRow[], at: number) {
  return holds.flatMap((hold) => [
    db
      .update(channelPrices)
      .set({ quotaUsed: sql`max(0, ${channelPrices.quotaUsed} - ${hold.quantity})`, updatedAt: at })
      .where(and(entryOf(hold), holdIs(hold, "held"))),
    db
      .update(channelQuotaHolds)
      .set({ status: "released", updatedAt: at })
      .where(
        and(
          eq(channelQuotaHolds.orderId, hold.orderId),
          eq(channelQuotaHolds.skuId, hold.skuId),
          eq(channelQuotaHolds.status, "held"),
        ),
      ),
  ]);
}

/** Takes released units again (a late payment): the check fails the batch when the quota has been sold since. */
export function reclaimQuotaStatements(db: Db, holds: QuotaHoldRow[], at: number) {
  return holds.flatMap((hold) => [
    db
      .update(channelPrices)
      .set({ quotaUsed: sql`${channelPrices.quotaUsed} + ${hold.quantity}`, updatedAt: at })
      .where(and(entryOf(hold), holdIs(hold, "released"))),
    db
      .update(channelQuotaHolds)
      .set({ status: "held", updatedAt: at })
      .where(
        and(
          eq(channelQuotaHolds.orderId, hold.orderId),
          eq(channelQuotaHolds.skuId, hold.skuId),
          eq(channelQuotaHolds.status, "released"),
        ),
      ),
  ]);
}

// ---- Balances ----

export interface BalanceMovement {
  id: string;
  channelId: string;
  kind: BalanceEntryRow["kind"];
  /** Signed: positive adds to the balance. */
  amount: number;
  currency: BalanceEntryRow["currency"];
  orderId: string | null;
  /** A line of the order refunded on its own; null for the order as a whole. */
  itemId?: string | null;
  actor: string | null;
  note: string | null;
  createdAt: number;
}

const balanceNow = (channelId: string, currency: string) =>
  sql`(SELECT ${channels.balanceAmount} FROM ${channels} WHERE ${channels.id} = ${channelId} AND ${channels.balanceCurrency} = ${currency})`;

/**
 * A balance movement and its ledger row, as statements for one batch. The balance cannot go
 * below zero (the check fails the batch, and the order with it); the row records the balance it
 * left, and a channel of another currency leaves that NULL, which fails the batch too.
 */
export function balanceMovementStatements(db: Db, merchantId: string, movement: BalanceMovement) {
  return [
    db
      .update(channels)
      .set({ balanceAmount: sql`${channels.balanceAmount} + ${movement.amount}`, updatedAt: movement.createdAt })
      .where(
        and(
          eq(channels.id, movement.channelId),
          eq(channels.merchantId, merchantId),
          eq(channels.balanceCurrency, movement.currency),
        ),
      ),
    db.insert(channelBalanceEntries).values({
      ...movement,
      merchantId,
      balanceAfter: sql`${balanceNow(movement.channelId, movement.currency)}`,
    }),
  ] as const;
}

/**
 * An order's money (or one refunded line's) back to the balance it was paid from, at most once
 * however often it runs: the credit applies only while there is no refund row for the order (or
 * that line), and the row is unique per order and per line.
 */
export function refundCreditStatements(db: Db, merchantId: string, movement: BalanceMovement & { orderId: string }) {
  const sameLine = movement.itemId
    ? sql`${channelBalanceEntries.itemId} = ${movement.itemId}`
    : sql`${channelBalanceEntries.itemId} IS NULL`;
  return [
    db
      .update(channels)
      .set({ balanceAmount: sql`${channels.balanceAmount} + ${movement.amount}`, updatedAt: movement.createdAt })
      .where(
        and(
          eq(channels.id, movement.channelId),
          eq(channels.merchantId, merchantId),
          eq(channels.balanceCurrency, movement.currency),
          sql`NOT EXISTS (SELECT 1 FROM ${channelBalanceEntries} WHERE ${channelBalanceEntries.orderId} = ${movement.orderId} AND ${channelBalanceEntries.kind} = 'refund_credit' AND ${sameLine})`,
        ),
      ),
    db
      .insert(channelBalanceEntries)
      .values({ ...movement, merchantId, balanceAfter: sql`${balanceNow(movement.channelId, movement.currency)}` })
      .onConflictDoNothing(),
  ] as const;
}

/** The channel's balance movements, newest first. */
export async function listBalanceEntriesPage(
  db: Db,
  merchantId: string,
  channelId: string,
  options: PageOptions,
): Promise<Page<BalanceEntryRow>> {
  const filters = [eq(channelBalanceEntries.merchantId, merchantId), eq(channelBalanceEntries.channelId, channelId)];
  if (options.cursor) filters.push(lt(channelBalanceEntries.id, options.cursor));
  const rows = await db
    .select()
    .from(channelBalanceEntries)
    .where(and(...filters))
    .orderBy(desc(channelBalanceEntries.id))
    .limit(options.limit + 1)
    .all();
  return toPage(
    rows,
    options.limit,
    (row) => row.id,
    (row) => row,
  );
}

export interface CatalogProduct {
  product: typeof products.$inferSelect;
  lines: { sku: typeof skus.$inferSelect; entry: PriceEntryRow }[];
}

/**
 * A reseller's catalog: the products with at least one SKU in its price list, newest first, each
 * with only those SKUs and their entries. Two round trips, both bound to this channel.
 */
export async function listChannelCatalogPage(
  db: Db,
  merchantId: string,
  channelId: string,
  options: PageOptions,
): Promise<Page<CatalogProduct>> {
  const filters = [eq(products.merchantId, merchantId), eq(channelPrices.channelId, channelId)];
  if (options.cursor) filters.push(lt(products.id, options.cursor));
  const productRows = await db
    .selectDistinct({ product: products })
    .from(products)
    .innerJoin(skus, eq(skus.productId, products.id))
    .innerJoin(channelPrices, eq(channelPrices.skuId, skus.id))
    .where(and(...filters))
    .orderBy(desc(products.id))
    .limit(options.limit + 1)
    .all();
  const shown = productRows.slice(0, options.limit).map((row) => row.product.id);
  const lines =
    shown.length === 0
      ? []
      : await db
          .select({ sku: skus, entry: channelPrices })
          .from(skus)
          .innerJoin(channelPrices, and(eq(channelPrices.skuId, skus.id), eq(channelPrices.channelId, channelId)))
          .where(and(eq(skus.merchantId, merchantId), inArray(skus.productId, shown)))
          .orderBy(skus.id)
          .all();
  return toPage(
    productRows,
    options.limit,
    (row) => row.product.id,
    (row) => ({ product: row.product, lines: lines.filter((line) => line.sku.productId === row.product.id) }),
  );
}
