import {
  bindingsOfSupplier,
  findSupplier,
  markSuppliersSyncing,
  recordBindingSync,
  type SupplierRow,
} from "@tessera/db";
import { type StockItem, SupplierRejection, SupplierTransportError } from "@tessera/suppliers";
import type { ServiceContext } from "../../context";
import { refreshSkuUpstream } from "./bindings";
import { CircuitOpenError, guarded } from "./breaker";
import { adapterFor } from "./registry";
import { restockIfLow } from "./restock";

export interface SyncResult {
  supplierId: string;
  skus: number;
  /** Why the supplier could not be read (its SKUs then count none of its stock), or null. */
  error: string | null;
}

/** A failure of the supplier (or of our way to it), as opposed to a bug or an outage of our own. */
export function isSupplierFailure(error: unknown): boolean {
  return (
    error instanceof CircuitOpenError || error instanceof SupplierTransportError || error instanceof SupplierRejection
  );
}

export function failureOf(error: unknown): string {
  if (error instanceof CircuitOpenError) return "circuit_open";
  if (error instanceof SupplierTransportError) return error.failure;
  if (error instanceof SupplierRejection) return error.code;
  return "error";
}

/**
 * Reads a supplier's stock and prices for every SKU bound to it, then refreshes those SKUs'
 * upstream availability and price (what the shop shows) and restocks any that fell under their
 * threshold. A supplier that cannot be read stops counting towards availability until it can:
 * the backups' stock stays on sale.
 */
export async function syncSupplier(ctx: ServiceContext, supplier: SupplierRow): Promise<SyncResult> {
  const now = Date.now();
  await markSuppliersSyncing(ctx.db, [supplier.id], now);
  const bindings = await bindingsOfSupplier(ctx.db, supplier.id);
  if (bindings.length === 0) return { supplierId: supplier.id, skus: 0, error: null };

  let error: string | null = supplier.status === "approved" ? null : `supplier_${supplier.status}`;
  let items: StockItem[] = [];
  if (!error) {
    const adapter = await adapterFor(ctx, supplier);
    const productIds = [...new Set(bindings.map((binding) => binding.upstreamProductId))];
    try {
      items = await guarded(ctx, supplier, () => adapter.stock(productIds));
    } catch (caught) {
      if (!isSupplierFailure(caught)) throw caught;
      error = failureOf(caught);
    }
  }
  if (!error) {
    for (const binding of bindings) {
      const item = items.find((candidate) => candidate.productId === binding.upstreamProductId);
      await recordBindingSync(ctx.db, binding.skuId, binding.supplierId, {
        upstreamStock: item?.onSale ? item.stock : 0,
        ...(item && item.price.currency === binding.currency ? { costAmount: item.price.amount } : {}),
        syncedAt: now,
        syncError: null,
      });
    }
  } else {
    ctx.log.warn("supplier sync failed", { supplierId: supplier.id, reason: error });
    for (const binding of bindings) {
      await recordBindingSync(ctx.db, binding.skuId, binding.supplierId, { syncedAt: now, syncError: error });
    }
  }
  const skuIds = [...new Set(bindings.map((binding) => binding.skuId))];
  for (const skuId of skuIds) {
    await refreshSkuUpstream(ctx, supplier.merchantId, skuId);
    if (!error) await restockIfLow(ctx, supplier.merchantId, skuId);
  }
  return { supplierId: supplier.id, skus: skuIds.length, error };
}

export async function syncSupplierById(ctx: ServiceContext, supplierId: string): Promise<SyncResult | null> {
  const supplier = await findSupplier(ctx.db, supplierId);
  return supplier ? syncSupplier(ctx, supplier) : null;
}
