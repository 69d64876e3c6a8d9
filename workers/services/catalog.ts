import { findSkuOfMerchant, insertProduct, listProductsPage, type ProductRow, type SkuRow } from "@tessera/db";
import { type Currency, DEFAULT_POLICY, newId } from "@tessera/domain";
import type { ServiceContext } from "../context";

export type ProductKind = "card_secret" | "voucher";

export interface NewProduct {
  name: string;
  kind: ProductKind;
  description?: string | undefined;
  instructions?: string | undefined;
  skus: {
    name: string;
    price: { amount: number; currency: Currency };
    policy?: { uses?: number | undefined; validDays?: number | null | undefined } | undefined;
  }[];
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
  await insertProduct(ctx.db, merchantId, product, skuRows);
  return toView(product, skuRows);
}

/** Products with their SKUs, newest first, one page at a time. */
export async function listProducts(
  ctx: ServiceContext,
  merchantId: string,
  options: { listedOnly: boolean; limit: number; cursor?: string | undefined },
): Promise<{ data: ProductView[]; nextCursor: string | null }> {
  const page = await listProductsPage(ctx.db, merchantId, options);
  return { data: page.data.map(({ product, skus }) => toView(product, skus)), nextCursor: page.nextCursor };
}

/** A SKU with its product, only if it belongs to this merchant: a foreign id reads as missing. */
export function skuOfMerchant(ctx: ServiceContext, merchantId: string, skuId: string) {
  return findSkuOfMerchant(ctx.db, merchantId, skuId);
}
