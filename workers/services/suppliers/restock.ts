import {
  bindingsOfSku,
  claimRestock,
  claimSupplierOrder,
  findSkuSupply,
  findSupplierOrder,
  releaseRestock,
  type SupplierOrderRow,
} from "@tessera/db";
import { newId } from "@tessera/domain";
import type { ServiceContext } from "../../context";
import { skuOfMerchant } from "../catalog";
import { importStock, stockKeeper } from "../stock";
import { dayOf, dispatch, isTerminal, openCards } from "./upstream";

export type RestockOutcome = "not_needed" | "busy" | "started" | "stocked" | "failed";

/** A restock claim whose order never got written (its invocation died) is released after this. */
const ORPHANED_CLAIM_MS = 2 * 60_000;

/**
 * Puts the cards of a finished restock into the SKU's stock (the StockKeeper refuses cards it
 * already holds, so a repeat adds nothing) and frees the SKU's restock slot.
 */
export async function finishRestock(ctx: ServiceContext, row: SupplierOrderRow): Promise<number> {
  let imported = 0;
  if (row.status === "succeeded") {
    const cards = await openCards(ctx, row);
    const report = await importStock(
      ctx,
      row.merchantId,
      row.skuId,
      cards.map((card) => ({ code: card.cardNo, secret: card.cardSecret ?? undefined })),
    );
    imported = report.imported;
    ctx.log.info("restocked from supplier", { skuId: row.skuId, supplierOrderId: row.id, imported });
  }
  await releaseRestock(ctx.db, row.skuId, row.id);
  return imported;
}

/**
 * Buys a batch of card secrets just in time when a SKU's own stock is under its threshold.
 * One restock per SKU runs at a time (a claimed slot); the order number is the restock's own
 * id, so a retry never buys twice. A slow supplier answers `processing` and the callback or a
 * poll finishes the restock later; a failing one hands over to the next backup.
 */
export async function restockIfLow(ctx: ServiceContext, merchantId: string, skuId: string): Promise<RestockOutcome> {
  const found = await skuOfMerchant(ctx, merchantId, skuId);
  if (found?.product.kind !== "card_secret") return "not_needed";
  const supply = await findSkuSupply(ctx.db, skuId);
  if (!supply?.restockThreshold || !supply.restockQuantity) return "not_needed";
  if (supply.restockOrderId) {
    const inFlight = await findSupplierOrder(ctx.db, supply.restockOrderId);
    if (inFlight && !isTerminal(inFlight.status)) return "busy";
    if (!inFlight && (supply.restockClaimedAt ?? 0) > Date.now() - ORPHANED_CLAIM_MS) return "busy";
    if (inFlight) await finishRestock(ctx, inFlight);
    else await releaseRestock(ctx.db, skuId, supply.restockOrderId);
  }
  const levels = await stockKeeper(ctx, skuId).levels();
  if (levels.available >= supply.restockThreshold) return "not_needed";

  const quantity = supply.restockQuantity;
  const candidates = (await bindingsOfSku(ctx.db, merchantId, skuId)).filter(
    ({ binding, supplier }) =>
      supplier.status === "approved" &&
      binding.syncError === null &&
      (binding.upstreamStock === null || binding.upstreamStock >= quantity),
  );
  for (const { binding, supplier } of candidates) {
    const now = Date.now();
    const id = newId("supplierOrder", now);
    if (!(await claimRestock(ctx.db, skuId, id, now))) return "busy";
    const row = await claimSupplierOrder(ctx.db, {
      id,
      merchantId,
      supplierId: supplier.id,
      skuId,
      orderId: null,
      itemId: null,
      purpose: "restock",
      method: "purchase",
      attempt: 0,
      upstreamProductId: binding.upstreamProductId,
      quantity,
      costAmount: binding.costAmount * quantity,
      currency: binding.currency,
      status: "pending",
      day: dayOf(now),
      createdAt: now,
      updatedAt: now,
      nextPollAt: now + ORPHANED_CLAIM_MS,
    });
    if (!row) return "busy";
    const applied = await dispatch(ctx, row);
    if (applied.status === "succeeded") {
      await finishRestock(ctx, applied.row);
      return "stocked";
    }
    if (applied.status !== "failed") return "started";
    await releaseRestock(ctx.db, skuId, id);
  }
  return candidates.length > 0 ? "failed" : "not_needed";
}
