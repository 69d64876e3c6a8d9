import {
  approvedSuppliers,
  hasReconciliation,
  markSuppliersSyncing,
  skusBelowRestockThreshold,
  supplierOrdersDue,
  suppliersDueForSync,
} from "@tessera/db";
import type { ServiceContext } from "../context";
import type { SupplierMessage } from "../queues/supplier";

/** How often each approved supplier's stock and prices are read. */
export const SYNC_INTERVAL_MS = 5 * 60_000;
/** A poll this late was lost (a queue message dropped, an invocation died): send it again. */
const POLL_GRACE_MS = 60_000;
const BATCH = 100;

async function send(ctx: ServiceContext, messages: SupplierMessage[]): Promise<number> {
  for (let i = 0; i < messages.length; i += BATCH) {
    await ctx.env.SUPPLIER.sendBatch(
      messages.slice(i, i + BATCH).map((body) => ({ body, contentType: "json" as const })),
    );
  }
  return messages.length;
}

/**
 * The supply chain's clock, on every cron tick: suppliers due for a stock sync, upstream
 * orders whose poll is overdue, SKUs under their restock threshold, and once an hour the
 * reconciliation of yesterday for every approved supplier that has none yet. All of it goes
 * through the `supplier` queue, so a slow supplier never holds the tick.
 */
export async function scheduleSupply(ctx: ServiceContext, now: number) {
  const due = await suppliersDueForSync(ctx.db, now - SYNC_INTERVAL_MS, BATCH);
  await markSuppliersSyncing(
    ctx.db,
    due.map(({ id }) => id),
    now,
  );
  const syncs = await send(
    ctx,
    due.map(({ id }) => ({ type: "sync", supplierId: id })),
  );
  const overdue = await supplierOrdersDue(ctx.db, now - POLL_GRACE_MS, BATCH);
  const polls = await send(
    ctx,
    overdue.map(({ id }) => ({ type: "poll", supplierOrderId: id })),
  );
  const low = await skusBelowRestockThreshold(ctx.db, BATCH);
  const restocks = await send(
    ctx,
    low.map(({ merchantId, skuId }) => ({ type: "restock", merchantId, skuId })),
  );
  let reconciliations = 0;
  if (new Date(now).getUTCMinutes() === 30) {
    const yesterday = new Date(now - 86_400_000).toISOString().slice(0, 10);
    const missing = [];
    for (const supplier of await approvedSuppliers(ctx.db, 1_000)) {
      if (!(await hasReconciliation(ctx.db, supplier.id, yesterday))) missing.push(supplier.id);
    }
    reconciliations = await send(
      ctx,
      missing.map((supplierId) => ({ type: "reconcile", supplierId, date: yesterday })),
    );
  }
  return { syncs, polls, restocks, reconciliations };
}
