import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { chunkRows } from "../chunks";
import { type Db, runAtomic } from "../client";
import { products, skus } from "../schema";
import { type Page, type PageOptions, toPage } from "./page";

export type ProductRow = typeof products.$inferSelect;
export type SkuRow = typeof skus.$inferSelect;
export type NewProduct = Omit<typeof products.$inferInsert, "merchantId">;
export type NewSku = Omit<typeof skus.$inferInsert, "merchantId" | "productId">;

export interface ProductWithSkus {
  product: ProductRow;
  skus: SkuRow[];
}

export interface SkuWithProduct {
  sku: SkuRow;
  product: ProductRow;
}

export interface StockLevel {
  available: number;
  version: number;
  /** Carried by newer StockKeeper reports; an older report leaves the stored figures as they are. */
  reserved?: number | undefined;
  sold?: number | undefined;
}

/** The statements that write a product and its SKUs, for runAtomic beside an audit entry. */
export function productStatements(db: Db, merchantId: string, product: NewProduct, skuRows: NewSku[]) {
  const rows = skuRows.map((sku) => ({ ...sku, merchantId, productId: product.id }));
  return [
    db.insert(products).values({ ...product, merchantId }),
    ...chunkRows(rows).map((chunk) => db.insert(skus).values(chunk)),
  ] as const;
}

/** A product and its SKUs in one atomic write; every row is stamped with the merchant. */
export async function insertProduct(db: Db, merchantId: string, product: NewProduct, skuRows: NewSku[]): Promise<void> {
  await runAtomic(db, productStatements(db, merchantId, product, skuRows));
}

/** One product of this merchant with its SKUs (by id); a foreign id reads as missing. */
export async function findProductOfMerchant(
  db: Db,
  merchantId: string,
  productId: string,
): Promise<ProductWithSkus | null> {
  const [found, skuRows] = await db.batch([
    db
      .select()
      .from(products)
      .where(and(eq(products.id, productId), eq(products.merchantId, merchantId))),
    db
      .select()
      .from(skus)
      .where(and(eq(skus.productId, productId), eq(skus.merchantId, merchantId)))
      .orderBy(skus.id),
  ]);
  const product = found[0];
  return product ? { product, skus: skuRows } : null;
}

export type ProductChanges = Partial<Pick<ProductRow, "name" | "description" | "instructions" | "imageUrl" | "listed">>;

export function updateProductStatement(
  db: Db,
  merchantId: string,
  productId: string,
  changes: ProductChanges,
  at: number,
) {
  return db
    .update(products)
    .set({ ...changes, updatedAt: at })
    .where(and(eq(products.id, productId), eq(products.merchantId, merchantId)));
}

export function insertSkuStatement(db: Db, merchantId: string, productId: string, sku: NewSku) {
  return db.insert(skus).values({ ...sku, merchantId, productId });
}

export type SkuChanges = Partial<
  Pick<
    SkuRow,
    "name" | "priceAmount" | "currency" | "lowStockThreshold" | "policyUses" | "policyValidDays" | "policyTerms"
  >
>;

export function updateSkuStatement(db: Db, merchantId: string, skuId: string, changes: SkuChanges) {
  return db
    .update(skus)
    .set(changes)
    .where(and(eq(skus.id, skuId), eq(skus.merchantId, merchantId)));
}

/** Every SKU of the merchant whose stock a StockKeeper holds (card secrets, shared accounts), for levels and alerts. */
export function listStockedSkus(db: Db, merchantId: string): Promise<SkuWithProduct[]> {
  return db
    .select({ sku: skus, product: products })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(skus.merchantId, merchantId), inArray(products.kind, ["card_secret", "shared_account"])))
    .orderBy(products.id, skus.id)
    .all();
}

/**
 * Products newest first, each with its SKUs (by id). One round trip: the SKUs are selected by a
 * subquery over the same page, so the statement binds a handful of parameters whatever the limit.
 */
export async function listProductsPage(
  db: Db,
  merchantId: string,
  options: PageOptions & { listedOnly: boolean },
): Promise<Page<ProductWithSkus>> {
  const filters = [eq(products.merchantId, merchantId)];
  if (options.listedOnly) filters.push(eq(products.listed, true));
  if (options.cursor) filters.push(lt(products.id, options.cursor));
  const where = and(...filters);
  const pageIds = db
    .select({ id: products.id })
    .from(products)
    .where(where)
    .orderBy(desc(products.id))
    .limit(options.limit);
  const [rows, skuRows] = await db.batch([
    db
      .select()
      .from(products)
      .where(where)
      .orderBy(desc(products.id))
      .limit(options.limit + 1),
    db
      .select()
      .from(skus)
      .where(and(eq(skus.merchantId, merchantId), inArray(skus.productId, pageIds)))
      .orderBy(skus.id),
  ]);
  return toPage(
    rows,
    options.limit,
    (product) => product.id,
    (product) => ({ product, skus: skuRows.filter((sku) => sku.productId === product.id) }),
  );
}

/** A SKU with its product, only if it belongs to this merchant: a foreign id reads as missing. */
export async function findSkuOfMerchant(db: Db, merchantId: string, skuId: string): Promise<SkuWithProduct | null> {
  const row = await db
    .select({ sku: skus, product: products })
    .from(skus)
    .innerJoin(products, eq(products.id, skus.productId))
    .where(and(eq(skus.id, skuId), eq(skus.merchantId, merchantId)))
    .get();
  return row ?? null;
}

/**
 * The StockKeeper's levels as a statement, for runAtomic beside the order that reserved them.
 * The version guard keeps a late, older report from overwriting a newer one, whichever path
 * (event or direct) it took; an equal version is a repeat and changes nothing.
 */
export function stockLevelStatement(db: Db, merchantId: string, skuId: string, level: StockLevel) {
  return db
    .update(skus)
    .set({
      stockAvailable: level.available,
      stockVersion: level.version,
      ...(level.reserved === undefined ? {} : { stockReserved: level.reserved }),
      ...(level.sold === undefined ? {} : { stockSold: level.sold }),
    })
    .where(and(eq(skus.id, skuId), eq(skus.merchantId, merchantId), lt(skus.stockVersion, level.version)))
    .returning({ id: skus.id });
}

/** True when the level was newer than the stored one and replaced it. */
export async function recordStockLevel(db: Db, merchantId: string, skuId: string, level: StockLevel): Promise<boolean> {
  return (await stockLevelStatement(db, merchantId, skuId, level)).length > 0;
}
