import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { chunkRows } from "../chunks";
import { type Db, runAtomic } from "../client";
import {
  products,
  skuSuppliers,
  skuSupply,
  skus,
  supplierOrders,
  supplierReconciliations,
  supplierSettlements,
  suppliers,
} from "../schema";
import { type Page, type PageOptions, toPage } from "./page";

export type SupplierRow = typeof suppliers.$inferSelect;
export type SkuSupplierRow = typeof skuSuppliers.$inferSelect;
export type SkuSupplyRow = typeof skuSupply.$inferSelect;
export type SupplierOrderRow = typeof supplierOrders.$inferSelect;
export type SupplierStatus = SupplierRow["status"];
export type SupplierOrderStatus = SupplierOrderRow["status"];

/** Statuses of an upstream order that may still change. */
export const OPEN_SUPPLIER_ORDER: SupplierOrderStatus[] = ["pending", "unknown", "processing"];

// ---- suppliers ----

/** A new supplier as a statement, for runAtomic beside its audit entry. */
export function insertSupplierStatement(db: Db, row: typeof suppliers.$inferInsert) {
  return db.insert(suppliers).values(row);
}

/** A supplier of this merchant; a foreign id reads as missing. */
export async function findSupplierOfMerchant(db: Db, merchantId: string, supplierId: string) {
  return (
    (await db
      .select()
      .from(suppliers)
      .where(and(eq(suppliers.id, supplierId), eq(suppliers.merchantId, merchantId)))
      .get()) ?? null
  );
}

/** A supplier by id alone: for its callbacks and the queue, which carry no merchant. */
export async function findSupplier(db: Db, supplierId: string): Promise<SupplierRow | null> {
  return (await db.select().from(suppliers).where(eq(suppliers.id, supplierId)).get()) ?? null;
}

export async function findSupplierByName(db: Db, merchantId: string, name: string) {
  return (
    (await db
      .select({ id: suppliers.id })
      .from(suppliers)
      .where(and(eq(suppliers.merchantId, merchantId), eq(suppliers.name, name)))
      .get()) ?? null
  );
}

export async function listSuppliersPage(
  db: Db,
  filter: PageOptions & { merchantId?: string | undefined; status?: SupplierStatus | undefined },
): Promise<Page<SupplierRow>> {
  const filters = [];
  if (filter.merchantId) filters.push(eq(suppliers.merchantId, filter.merchantId));
  if (filter.status) filters.push(eq(suppliers.status, filter.status));
  if (filter.cursor) filters.push(lt(suppliers.id, filter.cursor));
  const rows = await db
    .select()
    .from(suppliers)
    .where(and(...filters))
    .orderBy(desc(suppliers.id))
    .limit(filter.limit + 1)
    .all();
  return toPage(
    rows,
    filter.limit,
    (row) => row.id,
    (row) => row,
  );
}

export function reviewSupplierStatement(
  db: Db,
  supplierId: string,
  review: { status: SupplierStatus; reviewedBy: string; reviewNote: string | null; at: number },
) {
  return db
    .update(suppliers)
    .set({
      status: review.status,
      reviewedBy: review.reviewedBy,
      reviewNote: review.reviewNote,
      reviewedAt: review.at,
      updatedAt: review.at,
    })
    .where(eq(suppliers.id, supplierId))
    .returning();
}

/** Approved suppliers whose last sync started before `before`, oldest first. */
export async function suppliersDueForSync(db: Db, before: number, limit: number) {
  return db
    .select({ id: suppliers.id })
    .from(suppliers)
    .where(
      and(eq(suppliers.status, "approved"), or(isNull(suppliers.lastSyncedAt), lt(suppliers.lastSyncedAt, before))),
    )
    .orderBy(asc(suppliers.lastSyncedAt))
    .limit(limit)
    .all();
}

export async function markSuppliersSyncing(db: Db, supplierIds: string[], at: number): Promise<void> {
  if (supplierIds.length === 0) return;
  await db.update(suppliers).set({ lastSyncedAt: at }).where(inArray(suppliers.id, supplierIds));
}

export async function approvedSuppliers(db: Db, limit: number) {
  return db
    .select({ id: suppliers.id, merchantId: suppliers.merchantId })
    .from(suppliers)
    .where(eq(suppliers.status, "approved"))
    .limit(limit)
    .all();
}

// ---- which suppliers serve a SKU ----

export interface BindingWithSupplier {
  binding: SkuSupplierRow;
  supplier: SupplierRow;
}

/** A SKU's suppliers in priority order (primary first), each with its supplier row. */
export async function bindingsOfSku(db: Db, merchantId: string, skuId: string): Promise<BindingWithSupplier[]> {
  return db
    .select({ binding: skuSuppliers, supplier: suppliers })
    .from(skuSuppliers)
    .innerJoin(suppliers, eq(suppliers.id, skuSuppliers.supplierId))
    .where(and(eq(skuSuppliers.skuId, skuId), eq(skuSuppliers.merchantId, merchantId)))
    .orderBy(asc(skuSuppliers.priority))
    .all();
}

export async function bindingsOfSupplier(db: Db, supplierId: string): Promise<SkuSupplierRow[]> {
  return db.select().from(skuSuppliers).where(eq(skuSuppliers.supplierId, supplierId)).all();
}

export async function findSkuSupply(db: Db, skuId: string): Promise<SkuSupplyRow | null> {
  return (await db.select().from(skuSupply).where(eq(skuSupply.skuId, skuId)).get()) ?? null;
}

/**
 * Replaces a SKU's suppliers and supply settings in one atomic batch, so a reader never sees
 * half a list; `extra` statements (an audit row) join the same batch.
 */
export async function replaceSkuSupply(
  db: Db,
  merchantId: string,
  skuId: string,
  bindings: Omit<SkuSupplierRow, "merchantId" | "skuId">[],
  settings: Omit<SkuSupplyRow, "merchantId" | "skuId" | "restockOrderId" | "restockClaimedAt">,
  extra: Parameters<typeof runAtomic>[1][number][] = [],
): Promise<void> {
  const rows = bindings.map((binding) => ({ ...binding, merchantId, skuId }));
  await runAtomic(db, [
    db.delete(skuSuppliers).where(and(eq(skuSuppliers.skuId, skuId), eq(skuSuppliers.merchantId, merchantId))),
    ...chunkRows(rows).map((chunk) => db.insert(skuSuppliers).values(chunk)),
    db
      .insert(skuSupply)
      .values({ ...settings, merchantId, skuId })
      .onConflictDoUpdate({
        target: skuSupply.skuId,
        set: {
          restockThreshold: settings.restockThreshold,
          restockQuantity: settings.restockQuantity,
          markupBps: settings.markupBps,
          updatedAt: settings.updatedAt,
        },
      }),
    ...extra,
  ]);
}

export async function recordBindingSync(
  db: Db,
  skuId: string,
  supplierId: string,
  sync: { upstreamStock?: number | null; costAmount?: number; syncedAt: number; syncError: string | null },
): Promise<void> {
  await db
    .update(skuSuppliers)
    .set(sync)
    .where(and(eq(skuSuppliers.skuId, skuId), eq(skuSuppliers.supplierId, supplierId)));
}

/** The SKU's upstream read model: what its suppliers offer, and the price that follows their cost. */
export async function recordSkuUpstream(
  db: Db,
  merchantId: string,
  skuId: string,
  values: { upstreamAvailable: number; priceAmount?: number | undefined },
): Promise<void> {
  await db
    .update(skus)
    .set(values)
    .where(and(eq(skus.id, skuId), eq(skus.merchantId, merchantId)));
}

/** Card-secret SKUs whose own stock is under their restock threshold and that have no restock in flight. */
export async function skusBelowRestockThreshold(db: Db, limit: number) {
  return db
    .select({ skuId: skuSupply.skuId, merchantId: skuSupply.merchantId })
    .from(skuSupply)
    .innerJoin(skus, eq(skus.id, skuSupply.skuId))
    .innerJoin(products, eq(products.id, skus.productId))
    .where(
      and(
        eq(products.kind, "card_secret"),
        isNull(skuSupply.restockOrderId),
        sql`${skuSupply.restockThreshold} IS NOT NULL AND ${skus.stockAvailable} < ${skuSupply.restockThreshold}`,
      ),
    )
    .limit(limit)
    .all();
}

/** Claims the SKU's one restock slot; false when another restock holds it. */
export async function claimRestock(db: Db, skuId: string, supplierOrderId: string, at: number): Promise<boolean> {
  const claimed = await db
    .update(skuSupply)
    .set({ restockOrderId: supplierOrderId, restockClaimedAt: at })
    .where(and(eq(skuSupply.skuId, skuId), isNull(skuSupply.restockOrderId)))
    .returning({ skuId: skuSupply.skuId });
  return claimed.length > 0;
}

export async function releaseRestock(db: Db, skuId: string, supplierOrderId: string): Promise<void> {
  await db
    .update(skuSupply)
    .set({ restockOrderId: null, restockClaimedAt: null })
    .where(and(eq(skuSupply.skuId, skuId), eq(skuSupply.restockOrderId, supplierOrderId)));
}

// ---- orders placed with suppliers ----

/** Inserts an attempt unless its (item, attempt) seat is taken; null when another run took it. */
export async function claimSupplierOrder(
  db: Db,
  row: typeof supplierOrders.$inferInsert,
): Promise<SupplierOrderRow | null> {
  const [inserted] = await db.insert(supplierOrders).values(row).onConflictDoNothing().returning();
  return inserted ?? null;
}

export async function findSupplierOrder(db: Db, id: string): Promise<SupplierOrderRow | null> {
  return (await db.select().from(supplierOrders).where(eq(supplierOrders.id, id)).get()) ?? null;
}

/** The attempts of an order line, first to last. */
export async function attemptsOfItem(db: Db, itemId: string): Promise<SupplierOrderRow[]> {
  return db
    .select()
    .from(supplierOrders)
    .where(eq(supplierOrders.itemId, itemId))
    .orderBy(asc(supplierOrders.attempt))
    .all();
}

export async function attemptsOfOrder(db: Db, orderId: string): Promise<SupplierOrderRow[]> {
  return db
    .select()
    .from(supplierOrders)
    .where(eq(supplierOrders.orderId, orderId))
    .orderBy(asc(supplierOrders.itemId), asc(supplierOrders.attempt))
    .all();
}

/**
 * Moves an upstream order between statuses, only from the ones given: of two reports racing
 * (a callback and a poll, a duplicate, a stale one arriving late) only one moves it, and a
 * finished order never moves again.
 */
export function moveSupplierOrderStatement(
  db: Db,
  id: string,
  from: SupplierOrderStatus[],
  changes: Partial<typeof supplierOrders.$inferInsert>,
  options: { olderThanVersion?: number } = {},
) {
  const guards = [eq(supplierOrders.id, id), inArray(supplierOrders.status, from)];
  if (options.olderThanVersion !== undefined) guards.push(lt(supplierOrders.upstreamVersion, options.olderThanVersion));
  return db
    .update(supplierOrders)
    .set(changes)
    .where(and(...guards))
    .returning({ id: supplierOrders.id });
}

export async function moveSupplierOrder(
  db: Db,
  id: string,
  from: SupplierOrderStatus[],
  changes: Partial<typeof supplierOrders.$inferInsert>,
  options: { olderThanVersion?: number } = {},
): Promise<boolean> {
  return (await moveSupplierOrderStatement(db, id, from, changes, options)).length > 0;
}

/**
 * The debit for an upstream order, written only while that order is `succeeded` (so it can sit
 * in the same batch as the move) and at most once (unique per order and kind).
 */
export function settlementStatement(
  db: Db,
  settlement: { id: string; supplierOrderId: string; amount: number; createdAt: number },
) {
  return db
    .insert(supplierSettlements)
    .select(
      db
        .select({
          id: sql<string>`${settlement.id}`.as("id"),
          merchantId: supplierOrders.merchantId,
          supplierId: supplierOrders.supplierId,
          supplierOrderId: supplierOrders.id,
          kind: sql<"debit">`'debit'`.as("kind"),
          amount: sql<number>`${settlement.amount}`.as("amount"),
          currency: supplierOrders.currency,
          day: supplierOrders.day,
          createdAt: sql<number>`${settlement.createdAt}`.as("created_at"),
        })
        .from(supplierOrders)
        .where(and(eq(supplierOrders.id, settlement.supplierOrderId), eq(supplierOrders.status, "succeeded"))),
    )
    .onConflictDoNothing();
}

/** Open upstream orders whose next poll is due (or that lost their poll), oldest first. */
export async function supplierOrdersDue(db: Db, now: number, limit: number) {
  return db
    .select({ id: supplierOrders.id, status: supplierOrders.status })
    .from(supplierOrders)
    .where(
      and(
        inArray(supplierOrders.status, OPEN_SUPPLIER_ORDER),
        or(
          lt(supplierOrders.nextPollAt, now),
          and(isNull(supplierOrders.nextPollAt), lt(supplierOrders.updatedAt, now)),
        ),
      ),
    )
    .orderBy(asc(supplierOrders.nextPollAt))
    .limit(limit)
    .all();
}

export async function supplierOrdersOfDay(db: Db, supplierId: string, day: string): Promise<SupplierOrderRow[]> {
  return db
    .select()
    .from(supplierOrders)
    .where(and(eq(supplierOrders.supplierId, supplierId), eq(supplierOrders.day, day)))
    .all();
}

export async function settlementsOfDay(db: Db, supplierId: string, day: string) {
  return db
    .select()
    .from(supplierSettlements)
    .where(and(eq(supplierSettlements.supplierId, supplierId), eq(supplierSettlements.day, day)))
    .all();
}

export async function saveReconciliation(db: Db, row: typeof supplierReconciliations.$inferInsert): Promise<void> {
  await db
    .insert(supplierReconciliations)
    .values(row)
    .onConflictDoUpdate({
      target: [supplierReconciliations.supplierId, supplierReconciliations.day],
      set: { report: row.report, mismatches: row.mismatches, createdAt: row.createdAt },
    });
}

export async function hasReconciliation(db: Db, supplierId: string, day: string): Promise<boolean> {
  const row = await db
    .select({ day: supplierReconciliations.day })
    .from(supplierReconciliations)
    .where(and(eq(supplierReconciliations.supplierId, supplierId), eq(supplierReconciliations.day, day)))
    .get();
  return Boolean(row);
}
