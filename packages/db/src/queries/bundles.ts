import { and, asc, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { bundleComponents, ledgerEntries, orderItems, orders, products, skus } from "../schema";
import type { ProductRow, SkuRow } from "./catalog";

export type BundleComponentRow = typeof bundleComponents.$inferSelect;

export interface ComponentWithSku {
  bundleSkuId: string;
  quantity: number;
  position: number;
  sku: SkuRow;
  product: ProductRow;
}

/** Enough ids per statement to stay under D1's 100 bound parameters beside the merchant id. */
const IDS_PER_STATEMENT = 90;

/**
 * The components of these bundle SKUs of the merchant, each with its SKU and product, in the
 * order the merchant listed them. A foreign bundle id finds nothing.
 */
export async function componentsOfBundles(
  db: Db,
  merchantId: string,
  bundleSkuIds: readonly string[],
): Promise<ComponentWithSku[]> {
  const out: ComponentWithSku[] = [];
  for (let i = 0; i < bundleSkuIds.length; i += IDS_PER_STATEMENT) {
    const ids = bundleSkuIds.slice(i, i + IDS_PER_STATEMENT);
    const rows = await db
      .select({
        bundleSkuId: bundleComponents.bundleSkuId,
        quantity: bundleComponents.quantity,
        position: bundleComponents.position,
        sku: skus,
        product: products,
      })
      .from(bundleComponents)
      .innerJoin(skus, eq(skus.id, bundleComponents.componentSkuId))
      .innerJoin(products, eq(products.id, skus.productId))
      .where(
        and(
          eq(bundleComponents.merchantId, merchantId),
          eq(skus.merchantId, merchantId),
          inArray(bundleComponents.bundleSkuId, ids),
        ),
      )
      .orderBy(bundleComponents.bundleSkuId, asc(bundleComponents.position))
      .all();
    out.push(...rows);
  }
  return out;
}

/** Replaces a bundle's components, as statements for runAtomic beside the audit entry. */
export function replaceComponentsStatements(
  db: Db,
  merchantId: string,
  bundleSkuId: string,
  components: { skuId: string; quantity: number }[],
  at: number,
) {
  const remove = db
    .delete(bundleComponents)
    .where(and(eq(bundleComponents.bundleSkuId, bundleSkuId), eq(bundleComponents.merchantId, merchantId)));
  if (components.length === 0) return [remove] as const;
  return [
    remove,
    db.insert(bundleComponents).values(
      components.map((component, position) => ({
        bundleSkuId,
        componentSkuId: component.skuId,
        merchantId,
        quantity: component.quantity,
        position,
        createdAt: at,
      })),
    ),
  ] as const;
}

/** Whether any bundle of the merchant contains this SKU. */
export async function isBundleComponent(db: Db, merchantId: string, skuId: string): Promise<boolean> {
  const row = await db
    .select({ skuId: bundleComponents.bundleSkuId })
    .from(bundleComponents)
    .where(and(eq(bundleComponents.merchantId, merchantId), eq(bundleComponents.componentSkuId, skuId)))
    .limit(1)
    .get();
  return row !== undefined;
}

const REFUNDABLE_ONE_BY_ONE = ["fulfilled", "partially_refunded"] as const;

/**
 * Claims one item of a delivered order for a per-item refund, as statements for runAtomic after
 * a guard: the item is marked refunded (once) and the order moves to `partially_refunded`.
 */
export function claimItemRefundStatements(db: Db, merchantId: string, orderId: string, itemId: string, at: number) {
  return [
    db
      .update(orderItems)
      .set({ refundedAt: at })
      .where(
        and(
          eq(orderItems.id, itemId),
          eq(orderItems.orderId, orderId),
          eq(orderItems.merchantId, merchantId),
          isNull(orderItems.refundedAt),
        ),
      ),
    db
      .update(orders)
      .set({ status: "partially_refunded", updatedAt: at })
      .where(and(eq(orders.id, orderId), eq(orders.merchantId, merchantId), eq(orders.status, "fulfilled"))),
  ] as const;
}

/** SQL true while the item may still be refunded on its own: not yet refunded, its order delivered. */
export function itemRefundableGuard(merchantId: string, orderId: string, itemId: string) {
  return sql`EXISTS (SELECT 1 FROM ${orderItems} INNER JOIN ${orders} ON ${orders.id} = ${orderItems.orderId}
    WHERE ${orderItems.id} = ${itemId} AND ${orderItems.orderId} = ${orderId} AND ${orderItems.merchantId} = ${merchantId}
    AND ${orderItems.refundedAt} IS NULL AND ${inArray(orders.status, [...REFUNDABLE_ONE_BY_ONE])})`;
}

/** What the order's items refunded one by one came to (their allocated amounts), in minor units. */
export async function refundedItemsTotal(db: Db, orderId: string): Promise<number> {
  const items = await db
    .select({ allocated: orderItems.allocatedAmount, unit: orderItems.unitAmount, quantity: orderItems.quantity })
    .from(orderItems)
    .where(and(eq(orderItems.orderId, orderId), isNotNull(orderItems.refundedAt)))
    .all();
  return items.reduce((total, item) => total + (item.allocated ?? item.unit * item.quantity), 0);
}

/** Items refunded on their own before `before` whose money has no ledger row yet (the invocation died). */
export async function unsettledItemRefunds(db: Db, before: number, limit: number) {
  return db
    .select({ orderId: orderItems.orderId, itemId: orderItems.id, merchantId: orderItems.merchantId })
    .from(orderItems)
    .leftJoin(ledgerEntries, and(eq(ledgerEntries.itemId, orderItems.id), eq(ledgerEntries.kind, "refund")))
    .where(and(isNotNull(orderItems.refundedAt), lt(orderItems.refundedAt, before), isNull(ledgerEntries.id)))
    .limit(limit)
    .all();
}
