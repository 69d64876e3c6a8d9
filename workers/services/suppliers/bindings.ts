import {
  auditStatement,
  bindingsOfSku,
  findSkuSupply,
  findSupplierOfMerchant,
  recordSkuUpstream,
  replaceSkuSupply,
} from "@tessera/db";
import { type Currency, newId } from "@tessera/domain";
import { type AdminCaller, actorOf, type ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { skuOfMerchant } from "../catalog";

export interface SkuSupplyInput {
  /** In priority order: the first is the primary, the rest are backups. */
  suppliers: { supplierId: string; productId: string; cost: { amount: number; currency: Currency } }[];
  restock?: { threshold: number; quantity: number } | null | undefined;
  markupBps?: number | null | undefined;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A SKU's suppliers as the merchant sees them, with what the last sync read. */
export async function skuSupplyView(ctx: ServiceContext, merchantId: string, skuId: string) {
  const found = await skuOfMerchant(ctx, merchantId, skuId);
  if (!found) throw new ApiError("not_found", "No such SKU");
  const [bindings, supply] = await Promise.all([
    bindingsOfSku(ctx.db, merchantId, skuId),
    findSkuSupply(ctx.db, skuId),
  ]);
  return {
    skuId,
    kind: found.product.kind,
    price: { amount: found.sku.priceAmount, currency: found.sku.currency },
    upstreamAvailable: found.sku.upstreamAvailable,
    suppliers: bindings.map(({ binding, supplier }) => ({
      supplierId: supplier.id,
      supplierName: supplier.name,
      supplierStatus: supplier.status,
      role: binding.priority === 0 ? ("primary" as const) : ("backup" as const),
      priority: binding.priority,
      productId: binding.upstreamProductId,
      cost: { amount: binding.costAmount, currency: binding.currency },
      upstreamStock: binding.upstreamStock,
      syncedAt: iso(binding.syncedAt),
      syncError: binding.syncError,
    })),
    restock:
      supply?.restockThreshold != null && supply.restockQuantity != null
        ? { threshold: supply.restockThreshold, quantity: supply.restockQuantity }
        : null,
    markupBps: supply?.markupBps ?? null,
  };
}

/**
 * Sets which suppliers deliver a SKU (primary first, then backups) at what cost, when to
 * restock it, and whether its price follows the primary's cost. Only approved suppliers of the
 * same merchant may be bound. The suppliers are synced at once, so the shop shows the SKU's
 * upstream availability within seconds.
 */
export async function setSkuSupply(ctx: ServiceContext, caller: AdminCaller, skuId: string, input: SkuSupplyInput) {
  const merchantId = caller.merchantId;
  const found = await skuOfMerchant(ctx, merchantId, skuId);
  if (!found) throw new ApiError("not_found", "No such SKU");
  if (found.product.kind === "voucher") {
    throw new ApiError(
      "conflict",
      "Vouchers are minted by the merchant; only card secrets and top-ups come from suppliers",
    );
  }
  const invalid = (path: string, message: string) =>
    new ApiError("validation_failed", message, { errors: [{ path, message }] });
  if (input.restock && found.product.kind !== "card_secret") {
    throw invalid("restock", "only card-secret SKUs hold stock to restock");
  }
  const ids = input.suppliers.map((entry) => entry.supplierId);
  if (new Set(ids).size !== ids.length) throw invalid("suppliers", "a supplier may appear once");
  for (const [index, entry] of input.suppliers.entries()) {
    if (entry.cost.currency !== found.sku.currency) {
      throw invalid(`suppliers.${index}.cost.currency`, `the SKU is priced in ${found.sku.currency}`);
    }
    const supplier = await findSupplierOfMerchant(ctx.db, merchantId, entry.supplierId);
    if (!supplier) throw new ApiError("not_found", "No such supplier");
    if (supplier.status !== "approved") {
      throw new ApiError(
        "conflict",
        `Supplier ${supplier.name} is ${supplier.status}; only approved suppliers can be bound`,
      );
    }
  }
  const now = Date.now();
  await replaceSkuSupply(
    ctx.db,
    merchantId,
    skuId,
    input.suppliers.map((entry, priority) => ({
      supplierId: entry.supplierId,
      upstreamProductId: entry.productId,
      priority,
      costAmount: entry.cost.amount,
      currency: entry.cost.currency,
      upstreamStock: null,
      syncedAt: null,
      syncError: null,
      createdAt: now,
    })),
    {
      restockThreshold: input.restock?.threshold ?? null,
      restockQuantity: input.restock?.quantity ?? null,
      markupBps: input.markupBps ?? null,
      updatedAt: now,
    },
    [
      auditStatement(ctx.db, merchantId, {
        id: newId("audit", now),
        actor: actorOf(caller),
        action: "sku.suppliers_set",
        target: skuId,
        detail: { suppliers: ids, restock: input.restock ?? null, markupBps: input.markupBps ?? null },
        createdAt: now,
      }),
    ],
  );
  await refreshSkuUpstream(ctx, merchantId, skuId);
  if (ids.length > 0) {
    await ctx.env.SUPPLIER.sendBatch(
      ids.map((supplierId) => ({ body: { type: "sync", supplierId }, contentType: "json" as const })),
    );
  }
  return skuSupplyView(ctx, merchantId, skuId);
}

/**
 * Recomputes a SKU's upstream read model from its bindings: units on offer from approved
 * suppliers whose last sync succeeded (so a dead primary leaves the backups' stock on sale),
 * and, with a markup, the price that follows the first such supplier's cost.
 */
export async function refreshSkuUpstream(ctx: ServiceContext, merchantId: string, skuId: string): Promise<void> {
  const found = await skuOfMerchant(ctx, merchantId, skuId);
  if (!found) return;
  const [bindings, supply] = await Promise.all([
    bindingsOfSku(ctx.db, merchantId, skuId),
    findSkuSupply(ctx.db, skuId),
  ]);
  const usable = bindings.filter(
    ({ binding, supplier }) =>
      supplier.status === "approved" && binding.syncedAt !== null && binding.syncError === null,
  );
  const upstreamAvailable = usable.reduce((total, { binding }) => total + (binding.upstreamStock ?? 0), 0);
  const lead = usable.find(({ binding }) => (binding.upstreamStock ?? 0) > 0)?.binding;
  const priceAmount =
    supply?.markupBps != null && lead && lead.currency === found.sku.currency
      ? Math.ceil((lead.costAmount * (10_000 + supply.markupBps)) / 10_000)
      : undefined;
  if (
    upstreamAvailable === found.sku.upstreamAvailable &&
    (priceAmount ?? found.sku.priceAmount) === found.sku.priceAmount
  ) {
    return;
  }
  await recordSkuUpstream(ctx.db, merchantId, skuId, { upstreamAvailable, priceAmount });
  ctx.log.info("sku supply refreshed", { skuId, upstreamAvailable, priceAmount: priceAmount ?? null });
}
