import { and, eq } from "drizzle-orm";
import type { Db } from "../client";
import { ledgerEntries } from "../schema";

export type LedgerEntryRow = typeof ledgerEntries.$inferSelect;
/** A movement of the whole payment leaves `itemId` out; a per-item refund names its item. */
export type NewLedgerEntry = Omit<LedgerEntryRow, "merchantId" | "itemId"> & { itemId?: string | null };

/**
 * A movement of money as a statement for runAtomic. A payment has at most one entry per kind
 * (unique payment and kind), so a replayed payment or refund writes nothing.
 */
export function ledgerEntryStatement(db: Db, merchantId: string, entry: NewLedgerEntry) {
  return db
    .insert(ledgerEntries)
    .values({ ...entry, merchantId })
    .onConflictDoNothing()
    .returning({ id: ledgerEntries.id });
}

/** True when the entry was new. */
export async function recordLedgerEntry(db: Db, merchantId: string, entry: NewLedgerEntry): Promise<boolean> {
  return (await ledgerEntryStatement(db, merchantId, entry)).length > 0;
}

/** An order's ledger entries in the order they were written. */
export async function listLedgerEntries(db: Db, merchantId: string, orderId: string): Promise<LedgerEntryRow[]> {
  return db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.merchantId, merchantId), eq(ledgerEntries.orderId, orderId)))
    .orderBy(ledgerEntries.id)
    .all();
}
