import { chunkRows } from "../chunks";
import { type Db, runAtomic } from "../client";
import { deliveries } from "../schema";

export type NewDelivery = Omit<typeof deliveries.$inferInsert, "merchantId">;

/**
 * Writes an order's deliveries under their unique (item, seq) key: a repeat inserts nothing, and
 * of two racing writers only the first row per seat survives. Returns how many rows were new.
 */
export async function insertDeliveries(db: Db, merchantId: string, rows: NewDelivery[]): Promise<number> {
  const [first, ...rest] = chunkRows(rows.map((row) => ({ ...row, merchantId }))).map((chunk) =>
    db
      .insert(deliveries)
      .values(chunk)
      .onConflictDoNothing({ target: [deliveries.itemId, deliveries.seq] })
      .returning({ id: deliveries.id }),
  );
  if (!first) return 0;
  const inserted = await runAtomic(db, [first, ...rest]);
  return inserted.reduce((count, chunk) => count + chunk.length, 0);
}
