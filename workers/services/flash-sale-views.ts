import { currentSales, type FlashSaleWithLevels } from "@tessera/db";
import { saleStatus } from "@tessera/domain";
import type { ServiceContext } from "../context";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What is left to sell: units not yet reserved or sold, while the sale can still sell them. */
function remainingOf(entry: Pick<FlashSaleWithLevels, "sale" | "reserved" | "sold">, now: number): number {
  const status = saleStatus(entry.sale, now);
  if (status === "ended" || status === "cancelled") return 0;
  return Math.max(0, entry.sale.quota - entry.reserved - entry.sold);
}

export function flashSaleView(entry: FlashSaleWithLevels, now: number = Date.now()) {
  const { sale } = entry;
  return {
    id: sale.id,
    skuId: sale.skuId,
    name: sale.name,
    price: { amount: sale.priceAmount, currency: sale.currency },
    quota: sale.quota,
    perCustomerLimit: sale.perCustomerLimit,
    shards: sale.shards,
    startsAt: iso(sale.startsAt) as string,
    endsAt: iso(sale.endsAt) as string,
    status: saleStatus(sale, now),
    remaining: remainingOf(entry, now),
    reserved: entry.reserved,
    sold: entry.sold,
    stocked: sale.stockedAt !== null,
    createdAt: iso(sale.createdAt) as string,
    cancelledAt: iso(sale.cancelledAt),
    closedAt: iso(sale.closedAt),
  };
}

/** What the shop shows beside a SKU on sale (or about to be). */
export function saleBadge(entry: FlashSaleWithLevels, now: number = Date.now()) {
  const view = flashSaleView(entry, now);
  return {
    id: view.id,
    name: view.name,
    price: view.price,
    startsAt: view.startsAt,
    endsAt: view.endsAt,
    status: view.status as "scheduled" | "open",
    remaining: view.remaining,
    perCustomerLimit: view.perCustomerLimit,
  };
}

export type SaleBadge = ReturnType<typeof saleBadge>;

/**
 * Adds to each SKU of a product listing the sale that prices it now or will next, for the shop's
 * countdown and sale price (one D1 read for the whole page).
 */
export async function withSales<P extends { skus: { id: string; flashSale?: SaleBadge }[] }>(
  ctx: ServiceContext,
  merchantId: string,
  products: P[],
): Promise<P[]> {
  const now = Date.now();
  const current = await currentSales(
    ctx.db,
    merchantId,
    products.flatMap((product) => product.skus.map((sku) => sku.id)),
    now,
  );
  if (current.size === 0) return products;
  for (const product of products) {
    for (const sku of product.skus) {
      const entry = current.get(sku.id);
      if (entry) sku.flashSale = saleBadge(entry, now);
    }
  }
  return products;
}
