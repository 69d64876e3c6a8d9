import { chunkRows } from "@tessera/db";
import { products, skus } from "@tessera/db/schema";
import { type Currency, DEFAULT_POLICY, newId } from "@tessera/domain";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { ServiceContext } from "../context";

export type ProductKind = "card_secret" | "voucher";

export interface NewProduct {
  name: string;
  kind: ProductKind;
  description?: string | undefined;
  instructions?: string | undefined;
  skus: { name: string; price: { amount: number; currency: Currency }; policy?: { uses?: number | undefined; validDays?: number | null | undefined } | undefined }[];
}

export interface SkuView {
  id: string;
  name: string;
  price: { amount: number; currency: Currency };
  policy: { uses: number; validDays: number | null };
  /** Units in stock for card secrets; null where codes are minted on demand (vouchers). */
  available: number | null;
}

export interface ProductView {
  id: string;
  name: string;
  kind: ProductKind;
  description: string | null;
  instructions: string | null;
  listed: boolean;
  skus: SkuView[];
  createdAt: string;
}

type ProductRow = typeof products.$inferSelect;
type SkuRow = typeof skus.$inferSelect;

function toView(product: ProductRow, rows: SkuRow[]): ProductView {
  return {
    id: product.id,
    name: product.name,
    kind: product.kind,
    description: product.description,
    instructions: product.instructions,
    listed: product.listed,
    createdAt: new Date(product.createdAt).toISOString(),
    skus: rows.map((sku) => ({
      id: sku.id,
      name: sku.name,
      price: { amount: sku.priceAmount, currency: sku.currency },
      policy: { uses: sku.policyUses, validDays: sku.policyValidDays },
      available: product.kind === "card_secret" ? sku.stockAvailable : null,
    })),
  };
}

export async function createProduct(ctx: ServiceContext, merchantId: string, input: NewProduct): Promise<ProductView> {
  const now = Date.now();
  const product: ProductRow = {
    id: newId("product", now),
    merchantId,
    name: input.name,
    kind: input.kind,
    description: input.description ?? null,
    instructions: input.instructions ?? null,
    listed: true,
    createdAt: now,
    updatedAt: now,
  };
  const skuRows: SkuRow[] = input.skus.map((sku) => ({
    id: newId("sku", now),
    merchantId,
    productId: product.id,
    name: sku.name,
    priceAmount: sku.price.amount,
    currency: sku.price.currency,
    policyUses: sku.policy?.uses ?? DEFAULT_POLICY.uses,
    policyValidDays: sku.policy?.validDays ?? DEFAULT_POLICY.validDays,
    stockAvailable: 0,
    stockVersion: 0,
    createdAt: now,
  }));
  await ctx.db.batch([
    ctx.db.insert(products).values(product),
    ...chunkRows(skuRows).map((chunk) => ctx.db.insert(skus).values(chunk)),
  ]);
  return toView(product, skuRows);
}

/** Products with their SKUs, newest first, one page at a time. */
export async function listProducts(
  ctx: ServiceContext,
  merchantId: string,
  options: { listedOnly: boolean; limit: number; cursor?: string | undefined },
): Promise<{ data: ProductView[]; nextCursor: string | null }> {
  const filters = [eq(products.merchantId, merchantId)];
  if (options.listedOnly) filters.push(eq(products.listed, true));
  if (options.cursor) filters.push(lt(products.id, options.cursor));
  const rows = await ctx.db
    .select()
    .from(products)
    .where(and(...filters))
    .orderBy(desc(products.id))
    .limit(options.limit + 1)
    .all();
  const page = rows.slice(0, options.limit);
  const skuRows = page.length
    ? await ctx.db
        .select()
        .from(skus)
        .where(inArray(skus.productId, page.map((p) => p.id)))
        .orderBy(skus.id)
        .all()
    : [];
  const data = page.map((product) => toView(product, skuRows.filter((sku) => sku.productId === product.id)));
  return { data, nextCursor: rows.length > options.limit ? (page[page.length - 1]?.id ?? null) : null };
}

/** A SKU with its product, only if it belongs to this merchant: a foreign id reads as missing. */
export async function skuOfMerchant(ctx: ServiceContext, merchantId: string, skuId: string) {
  const row = await ctx.db
    .select({ sku: skus, product: products })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(skus.id, skuId), eq(skus.merchantId, merchantId)))
    .get();
  return row ?? null;
}

/**
 * Applies the StockKeeper's levels to the catalog's read model. The version guard keeps a
 * late, older report from overwriting a newer one, whichever path (event or direct) it took.
 */
export function recordStockLevel(ctx: ServiceContext, skuId: string, available: number, version: number) {
  return ctx.db
    .update(skus)
    .set({ stockAvailable: available, stockVersion: version })
    .where(and(eq(skus.id, skuId), lt(skus.stockVersion, version)));
}
