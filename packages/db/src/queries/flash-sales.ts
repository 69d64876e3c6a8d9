import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { flashSaleShards, flashSales } from "../schema";
import { type Page, type PageOptions, toPage } from "./page";

export type FlashSaleRow = typeof flashSales.$inferSelect;
export type NewFlashSale = Omit<FlashSaleRow, "merchantId" | "stockedAt" | "cancelledAt" | "closedAt">;

/** A sale with what its shards last reported, summed. */
export interface FlashSaleWithLevels {
  sale: FlashSaleRow;
  available: number;
  reserved: number;
  sold: number;
}

/**
 * The sale's row, refused (the name goes NULL and the NOT NULL constraint fails the batch) when
 * another live sale of the same SKU overlaps its window: two sales can never both price a SKU.
 */
export function flashSaleStatement(db: Db, merchantId: string, sale: NewFlashSale) {
  const overlap = sql`EXISTS (SELECT 1 FROM ${flashSales} WHERE ${flashSales.skuId} = ${sale.skuId} AND ${flashSales.cancelledAt} IS NULL AND ${flashSales.startsAt} < ${sale.endsAt} AND ${flashSales.endsAt} > ${sale.startsAt})`;
  return db.insert(flashSales).values({
    ...sale,
    merchantId,
    name: sql`CASE WHEN ${overlap} THEN NULL ELSE ${sale.name} END`,
  });
}

/** True when a batch failed because the new sale overlapped another. */
export function isSaleOverlap(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    if (/NOT NULL constraint failed: flash_sales\.name/.test(String((cause as Error).message ?? cause))) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

export function markSaleStockedStatement(db: Db, merchantId: string, saleId: string, at: number) {
  return db
    .update(flashSales)
    .set({ stockedAt: at, updatedAt: at })
    .where(and(eq(flashSales.id, saleId), eq(flashSales.merchantId, merchantId), isNull(flashSales.stockedAt)));
}

/** A sale whose stock could not be set aside never existed for buyers: it goes. */
export async function deleteUnstockedSale(db: Db, merchantId: string, saleId: string): Promise<void> {
  await db
    .delete(flashSales)
    .where(and(eq(flashSales.id, saleId), eq(flashSales.merchantId, merchantId), isNull(flashSales.stockedAt)));
}

/** A sale of this merchant that is neither cancelled nor over at `at`: one that may be cancelled. */
export function isCancellableSale(merchantId: string, saleId: string, at: number): SQL {
  return sql`EXISTS (SELECT 1 FROM ${flashSales} WHERE ${flashSales.id} = ${saleId} AND ${flashSales.merchantId} = ${merchantId} AND ${flashSales.cancelledAt} IS NULL AND ${flashSales.endsAt} > ${at})`;
}

/** Cancels a sale not yet over, guarded: of two racing cancels one moves it. */
export function cancelSaleStatement(db: Db, merchantId: string, saleId: string, at: number) {
  return db
    .update(flashSales)
    .set({ cancelledAt: at, updatedAt: at })
    .where(
      and(
        eq(flashSales.id, saleId),
        eq(flashSales.merchantId, merchantId),
        isNull(flashSales.cancelledAt),
        gt(flashSales.endsAt, at),
      ),
    );
}

export async function markSaleClosed(db: Db, saleId: string, at: number): Promise<void> {
  await db
    .update(flashSales)
    .set({ closedAt: at, updatedAt: at })
    .where(and(eq(flashSales.id, saleId), isNull(flashSales.closedAt)));
}

/** The sales of `where` with their shards' levels summed: one round trip. */
function selectWithLevels(db: Db) {
  return db
    .select({
      sale: flashSales,
      available: sql<number>`coalesce(sum(${flashSaleShards.available}), 0)`,
      reserved: sql<number>`coalesce(sum(${flashSaleShards.reserved}), 0)`,
      sold: sql<number>`coalesce(sum(${flashSaleShards.sold}), 0)`,
    })
    .from(flashSales)
    .leftJoin(flashSaleShards, eq(flashSaleShards.saleId, flashSales.id));
}

/** One sale of this merchant; a foreign id reads as missing. */
export async function findFlashSale(db: Db, merchantId: string, saleId: string): Promise<FlashSaleRow | null> {
  const row = await db
    .select()
    .from(flashSales)
    .where(and(eq(flashSales.id, saleId), eq(flashSales.merchantId, merchantId)))
    .get();
  return row ?? null;
}

/** The merchant's sales, newest first, optionally of one SKU, with their shards' levels. */
export async function listFlashSalesPage(
  db: Db,
  merchantId: string,
  options: PageOptions & { skuId?: string | undefined },
): Promise<Page<FlashSaleWithLevels>> {
  const filters = [eq(flashSales.merchantId, merchantId)];
  if (options.skuId) filters.push(eq(flashSales.skuId, options.skuId));
  if (options.cursor) filters.push(lt(flashSales.id, options.cursor));
  const rows = await selectWithLevels(db)
    .where(and(...filters))
    .groupBy(flashSales.id)
    .orderBy(desc(flashSales.id))
    .limit(options.limit + 1)
    .all();
  return toPage(
    rows,
    options.limit,
    (row) => row.sale.id,
    (row) => row,
  );
}

/**
 * For each SKU, the sale that prices it now or will next (not cancelled, not over), with what
 * its shards report: what the shop shows, and what an order is priced and reserved by.
 */
export async function currentSales(
  db: Db,
  merchantId: string,
  skuIds: string[],
  now: number,
): Promise<Map<string, FlashSaleWithLevels>> {
  if (skuIds.length === 0) return new Map();
  const rows = await selectWithLevels(db)
    .where(
      and(
        eq(flashSales.merchantId, merchantId),
        inArray(flashSales.skuId, skuIds),
        isNull(flashSales.cancelledAt),
        gt(flashSales.endsAt, now),
      ),
    )
    .groupBy(flashSales.id)
    .orderBy(asc(flashSales.startsAt))
    .all();
  const current = new Map<string, FlashSaleWithLevels>();
  for (const row of rows) if (!current.has(row.sale.skuId)) current.set(row.sale.skuId, row);
  return current;
}

/**
 * Sales the clock owes work to: over or cancelled but not yet closed, or never stocked (their
 * creation died half-way) a minute after they were made.
 */
export function salesToSettle(db: Db, now: number, limit: number): Promise<FlashSaleRow[]> {
  return db
    .select()
    .from(flashSales)
    .where(
      or(
        and(isNull(flashSales.closedAt), or(isNotNull(flashSales.cancelledAt), lte(flashSales.endsAt, now))),
        and(isNull(flashSales.stockedAt), isNull(flashSales.cancelledAt), lt(flashSales.createdAt, now - 60_000)),
      ),
    )
    .limit(limit)
    .all();
}

/** A shard's levels as it reported them; an older or repeated report changes nothing. */
export async function recordSaleShardLevel(
  db: Db,
  merchantId: string,
  level: { saleId: string; shard: number; available: number; reserved: number; sold: number; version: number },
): Promise<void> {
  await db
    .insert(flashSaleShards)
    .values({ ...level, merchantId })
    .onConflictDoUpdate({
      target: [flashSaleShards.saleId, flashSaleShards.shard],
      set: {
        available: level.available,
        reserved: level.reserved,
        sold: level.sold,
        version: level.version,
      },
      where: and(eq(flashSaleShards.merchantId, merchantId), lt(flashSaleShards.version, level.version)),
    });
}
