import {
  auditStatement,
  type ComponentWithSku,
  componentsOfBundles,
  findSkuOfMerchant,
  type ProductRow,
  replaceComponentsStatements,
  runAtomic,
  type SkuRow,
} from "@tessera/db";
import type { orderItems } from "@tessera/db/schema";
import {
  allocateBundle,
  type BundleComponentInput,
  checkComposition,
  type Money,
  type ProductKind,
} from "@tessera/domain";
import type { AdminCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import { auditEntry } from "./audit";
import { isStocked } from "./stock";
import { sealRecipient, upstreamCovers } from "./suppliers/checkout";

/** What a bundle holds, as the admin app and the shop show it. */
export interface ComponentView {
  skuId: string;
  productId: string;
  productName: string;
  skuName: string;
  kind: ProductKind;
  quantity: number;
  /** The component's own price, the weight of its share of the bundle's price. */
  listPrice: Money;
}

/** `unitPrice`: what the line is sold at through its channel; the SKU's list price when absent. */
type PricedLine = { sku: SkuRow; product: ProductRow; quantity: number; unitPrice?: Money };

/** A bundle line's component as the order will hold it: its share of the line's price, its recipient if a top-up. */
export interface ComponentLine extends PricedLine {
  bundleSkuId: string;
  allocatedAmount: number;
  recipient: { recipientCiphertext: string; recipientMasked: string } | null;
}

/** The most of one SKU an order line may deliver, as for a SKU bought on its own. */
const MAX_UNITS_PER_LINE = 100;

export function componentView(row: ComponentWithSku): ComponentView {
  return {
    skuId: row.sku.id,
    productId: row.product.id,
    productName: row.product.name,
    skuName: row.sku.name,
    kind: row.product.kind,
    quantity: row.quantity,
    listPrice: { amount: row.sku.priceAmount, currency: row.sku.currency },
  };
}

/** The components of each bundle SKU named, by bundle SKU id, in the order the merchant listed them. */
export async function contentsOf(
  ctx: ServiceContext,
  merchantId: string,
  bundleSkuIds: string[],
): Promise<Map<string, ComponentWithSku[]>> {
  const out = new Map<string, ComponentWithSku[]>();
  if (bundleSkuIds.length === 0) return out;
  for (const row of await componentsOfBundles(ctx.db, merchantId, bundleSkuIds)) {
    out.set(row.bundleSkuId, [...(out.get(row.bundleSkuId) ?? []), row]);
  }
  return out;
}

/**
 * How many of a bundle can be sold: as many as its scarcest component allows (a component of
 * quantity 2 with 5 units left allows 2 bundles); null when no component is limited (vouchers
 * are minted on demand); 0 for a bundle with nothing in it yet.
 */
export function bundleAvailability(components: { available: number | null; quantity: number }[]): number | null {
  if (components.length === 0) return 0;
  const limits = components.flatMap((part) =>
    part.available === null ? [] : [Math.floor(Math.max(0, part.available) / part.quantity)],
  );
  return limits.length === 0 ? null : Math.min(...limits);
}

/** One bundle's price shared over its components, as the admin app previews it. */
export function previewAllocation(bundle: Pick<SkuRow, "priceAmount" | "currency">, rows: ComponentWithSku[]): Money[] {
  if (rows.length === 0) return [];
  return allocateBundle(
    bundle.priceAmount,
    rows.map((row) => ({ listAmount: row.sku.priceAmount, quantity: row.quantity })),
  ).map((amount) => ({ amount, currency: bundle.currency }));
}

/**
 * Sets what a bundle SKU delivers, replacing what it held. Every component must be a SKU of
 * the same merchant (a foreign one reads as missing), and the composition must pass the
 * domain's rules. Orders already placed keep the contents they were bought with.
 */
export async function setBundleComponents(
  ctx: ServiceContext,
  caller: AdminCaller,
  bundleSkuId: string,
  components: BundleComponentInput[],
) {
  const bundle = await findSkuOfMerchant(ctx.db, caller.merchantId, bundleSkuId);
  if (!bundle) throw new ApiError("not_found", "No such SKU");
  const found = await Promise.all(
    components.map((component) => findSkuOfMerchant(ctx.db, caller.merchantId, component.skuId)),
  );
  if (found.some((row) => !row)) throw new ApiError("not_found", "No such SKU");
  if (bundle.product.kind !== "bundle") throw new ApiError("conflict", "Only a bundle's SKUs hold components");
  const errors = checkComposition(
    { skuId: bundle.sku.id, currency: bundle.sku.currency },
    components.map((component, index) => {
      const row = found[index] as NonNullable<(typeof found)[number]>;
      return {
        ...component,
        kind: row.product.kind,
        currency: row.sku.currency,
        renews: row.sku.renewalPeriod !== null,
      };
    }),
  );
  if (errors.length > 0) throw new ApiError("validation_failed", "The bundle cannot hold these components", { errors });
  const now = Date.now();
  await runAtomic(ctx.db, [
    ...replaceComponentsStatements(ctx.db, caller.merchantId, bundleSkuId, components, now),
    auditStatement(
      ctx.db,
      caller.merchantId,
      auditEntry(caller, "bundle.components_set", bundleSkuId, { components }, now),
    ),
  ]);
  return bundleComposition(ctx, caller.merchantId, bundle.sku);
}

/** A bundle SKU's components and how one bundle's price is shared over them. */
export async function bundleComposition(ctx: ServiceContext, merchantId: string, bundle: SkuRow) {
  const rows = (await contentsOf(ctx, merchantId, [bundle.id])).get(bundle.id) ?? [];
  const shares = previewAllocation(bundle, rows);
  return {
    skuId: bundle.id,
    price: { amount: bundle.priceAmount, currency: bundle.currency },
    components: rows.map((row, index) => ({ ...componentView(row), share: shares[index] as Money })),
  };
}

/**
 * The components of the order's bundle lines, each with its share of its line's price
 * (largest remainder over list value, so a line's shares add up to what it cost) and, for a
 * top-up component, the recipient given on the bundle line, checked against that component's
 * template and sealed (and, unless told otherwise, its suppliers' offer checked, as checkout
 * does for a top-up bought on its own). A bundle with nothing in it, or whose components are
 * now priced in another currency, cannot be bought (409).
 */
export async function expandBundles(
  ctx: ServiceContext,
  merchantId: string,
  orderId: string,
  lines: PricedLine[],
  items: { skuId: string; recipient?: Record<string, string> | undefined }[],
  options: { checkUpstream?: boolean } = {},
): Promise<ComponentLine[]> {
  const bundles = lines.filter((line) => line.product.kind === "bundle");
  const contents = await contentsOf(
    ctx,
    merchantId,
    bundles.map((line) => line.sku.id),
  );
  const out: ComponentLine[] = [];
  for (const line of bundles) {
    const parts = contents.get(line.sku.id) ?? [];
    if (parts.length === 0) throw new ApiError("conflict", "This bundle has nothing in it yet");
    if (parts.some((part) => part.sku.currency !== line.sku.currency)) {
      throw new ApiError("conflict", "This bundle's contents are priced in another currency");
    }
    const given = items.map((item, index) => ({ item, index })).filter(({ item }) => item.skuId === line.sku.id);
    const named = given.find(({ item }) => item.recipient !== undefined);
    const differing = given.find(
      ({ item }) => JSON.stringify(item.recipient) !== JSON.stringify(named?.item.recipient),
    );
    if (named && differing) {
      throw new ApiError("validation_failed", "Order one recipient per bundle at a time", {
        errors: [{ path: `items.${differing.index}.recipient`, message: "another recipient for the same SKU" }],
      });
    }
    if (named && !parts.some((part) => part.product.kind === "direct_recharge")) {
      throw new ApiError("validation_failed", "Only direct top-ups take a recipient", {
        errors: [{ path: `items.${named.index}.recipient`, message: "this bundle holds no top-up" }],
      });
    }
    const shares = allocateBundle(
      (line.unitPrice?.amount ?? line.sku.priceAmount) * line.quantity,
      parts.map((part) => ({ listAmount: part.sku.priceAmount, quantity: part.quantity })),
    );
    for (const [index, part] of parts.entries()) {
      const quantity = part.quantity * line.quantity;
      if (quantity > MAX_UNITS_PER_LINE) {
        throw new ApiError("validation_failed", `A bundle line may deliver at most ${MAX_UNITS_PER_LINE} of a SKU`, {
          errors: [{ path: `items.${given[0]?.index ?? 0}.quantity`, message: "too many bundles in one order" }],
        });
      }
      let recipient: ComponentLine["recipient"] = null;
      if (part.product.kind === "direct_recharge") {
        recipient = await sealRecipient(
          ctx,
          merchantId,
          orderId,
          part.product.rechargeTemplate,
          named?.item.recipient,
          `items.${named?.index ?? given[0]?.index ?? 0}.recipient`,
        );
        if (options.checkUpstream !== false && !upstreamCovers(part.sku, quantity)) {
          throw new ApiError("insufficient_stock", "The suppliers cannot deliver this bundle's top-up right now");
        }
      }
      out.push({
        sku: part.sku,
        product: part.product,
        quantity,
        bundleSkuId: line.sku.id,
        allocatedAmount: shares[index] ?? 0,
        recipient,
      });
    }
  }
  return out;
}

/**
 * The stocked units (card secrets, shared-account seats) an order needs, one entry per SKU: a SKU bought on its own and inside
 * a bundle (or in two bundles) is reserved once, for the sum, since its StockKeeper holds one
 * reservation per order.
 */
export function stockDemand<L extends PricedLine>(lines: L[]): L[] {
  const bySku = new Map<string, L>();
  for (const line of lines) {
    if (!isStocked(line.product.kind)) continue;
    const seen = bySku.get(line.sku.id);
    bySku.set(line.sku.id, seen ? { ...seen, quantity: seen.quantity + line.quantity } : line);
  }
  return [...bySku.values()];
}

type ItemRow = typeof orderItems.$inferInsert;

/**
 * The order items of the components, each under its bundle line's item, priced by its share;
 * `ids` (one per component, ascending) keep them in the bundle's order.
 */
export function componentItemRows(
  components: ComponentLine[],
  parents: Pick<ItemRow, "id" | "skuId">[],
  ids: string[],
  orderId: string,
  merchantId: string,
) {
  return components.map((component, index) => ({
    id: ids[index] as string,
    orderId,
    merchantId,
    skuId: component.sku.id,
    productName: component.product.name,
    skuName: component.sku.name,
    kind: component.product.kind,
    quantity: component.quantity,
    unitAmount: 0,
    currency: component.sku.currency,
    policyUses: component.sku.policyUses,
    policyValidDays: component.sku.policyValidDays,
    policyTerms: component.sku.policyTerms,
    instructions: component.product.instructions,
    recipientCiphertext: component.recipient?.recipientCiphertext ?? null,
    recipientMasked: component.recipient?.recipientMasked ?? null,
    parentItemId: parents.find((parent) => parent.skuId === component.bundleSkuId)?.id ?? null,
    allocatedAmount: component.allocatedAmount,
    refundedAt: null,
    renewalPeriod: null,
    renewalEvery: null,
    flashSaleId: null,
    flashSaleShard: null,
  }));
}

/** Card lines grouped by SKU, each group in item order: the order's one reservation per SKU serves them all. */
export function linesBySku<T extends { id: string; skuId: string }>(items: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of [...items].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    groups.set(item.skuId, [...(groups.get(item.skuId) ?? []), item]);
  }
  return [...groups.values()];
}

/** Hands a SKU's committed units to its lines in item order; a repeated commit returns them in the same order. */
export function shareUnits<U>(group: { id: string; quantity: number }[], units: U[]): [string, U[]][] {
  let next = 0;
  return group.map((item) => {
    const share = units.slice(next, next + item.quantity);
    next += item.quantity;
    return [item.id, share];
  });
}
