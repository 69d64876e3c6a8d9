import {
  auditStatement,
  type ComponentWithSku,
  findProductOfMerchant,
  findSkuOfMerchant,
  insertSkuStatement,
  listProductsPage,
  listStockedSkus,
  type NewProduct as NewProductRow,
  type NewSku as NewSkuRow,
  type ProductChanges,
  type ProductRow,
  productStatements,
  runAtomic,
  type SkuChanges,
  type SkuRow,
  updateProductStatement,
  updateSkuStatement,
} from "@tessera/db";
import {
  type Currency,
  checkTerms,
  DEFAULT_POLICY,
  type FormTerms,
  formOfKind,
  newId,
  type ProductKind,
  type RechargeTemplate,
  type RenewalPlan,
} from "@tessera/domain";
import type { AdminCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import { auditEntry } from "./audit";
import { bundleAvailability, type ComponentView, componentView, contentsOf } from "./bundles";
import { type SaleBadge, withSales } from "./flash-sale-views";
import { rechargeTemplateFor } from "./suppliers/checkout";

type Money = { amount: number; currency: Currency };
type PolicyInput = {
  uses?: number | undefined;
  validDays?: number | null | undefined;
  terms?: FormTerms | null | undefined;
};

export interface NewSku {
  name: string;
  price: Money;
  policy?: PolicyInput | undefined;
}

export interface NewProduct {
  name: string;
  kind: ProductKind;
  description?: string | null | undefined;
  instructions?: string | null | undefined;
  imageUrl?: string | null | undefined;
  listed?: boolean | undefined;
  /** What a direct top-up asks the buyer for (required for `direct_recharge`, refused otherwise). */
  recharge?: RechargeTemplate | null | undefined;
  skus: NewSku[];
}

export interface SkuView {
  id: string;
  name: string;
  price: Money;
  policy: { uses: number; validDays: number | null; terms: FormTerms | null };
  /**
   * Units on sale: card secrets in stock plus what the SKU's suppliers offer, top-ups what the
   * suppliers offer; null where codes are minted on demand (vouchers).
   */
  available: number | null;
  lowStockThreshold: number | null;
  /** The flash sale pricing this SKU now, or the next one to open. */
  flashSale?: SaleBadge;
  /** Sold as a subscription renewing on this plan; null for a one-off purchase. */
  renewal: RenewalPlan | null;
  /** A bundle's SKUs only: what one bundle delivers. */
  components?: (ComponentView & { available: number | null })[];
}

export interface ProductView {
  id: string;
  name: string;
  kind: ProductKind;
  description: string | null;
  instructions: string | null;
  imageUrl: string | null;
  listed: boolean;
  /** Direct top-ups only: the recipient the buyer enters. */
  recharge?: RechargeTemplate;
  skus: SkuView[];
  createdAt: string;
}

type SkuFields = Pick<
  SkuRow,
  | "id"
  | "name"
  | "priceAmount"
  | "currency"
  | "policyUses"
  | "policyValidDays"
  | "policyTerms"
  | "stockAvailable"
  | "lowStockThreshold"
> &
  Partial<Pick<SkuRow, "upstreamAvailable" | "renewalPeriod" | "renewalEvery">>;
type ProductFields = Pick<
  ProductRow,
  "id" | "name" | "kind" | "description" | "instructions" | "imageUrl" | "listed" | "createdAt" | "rechargeTemplate"
>;

export function skuView(product: Pick<ProductRow, "kind">, sku: SkuFields, contents: Contents = new Map()): SkuView {
  const view: SkuView = {
    id: sku.id,
    name: sku.name,
    price: { amount: sku.priceAmount, currency: sku.currency },
    policy: { uses: sku.policyUses, validDays: sku.policyValidDays, terms: sku.policyTerms },
    available:
      formOfKind(product.kind) !== null
        ? null
        : (product.kind === "card_secret" || product.kind === "shared_account" ? sku.stockAvailable : 0) +
          (sku.upstreamAvailable ?? 0),
    lowStockThreshold: sku.lowStockThreshold,
    renewal: sku.renewalPeriod ? { period: sku.renewalPeriod, every: sku.renewalEvery ?? 1 } : null,
  };
  if (product.kind !== "bundle") return view;
  // A bundle is on sale while its components are: each component as the catalog sees it.
  const components = (contents.get(sku.id) ?? []).map((row) => ({
    ...componentView(row),
    available: skuView(row.product, row.sku).available,
  }));
  return { ...view, components, available: bundleAvailability(components) };
}

/** Bundle SKUs' components, by bundle SKU id. */
type Contents = Map<string, ComponentWithSku[]>;

async function contentsFor(
  ctx: ServiceContext,
  merchantId: string,
  products: { product: ProductFields; skus: SkuFields[] }[],
) {
  return contentsOf(
    ctx,
    merchantId,
    products.filter(({ product }) => product.kind === "bundle").flatMap(({ skus }) => skus.map((sku) => sku.id)),
  );
}

function toView(product: ProductFields, rows: SkuFields[], contents: Contents = new Map()): ProductView {
  return {
    id: product.id,
    name: product.name,
    kind: product.kind,
    description: product.description,
    instructions: product.instructions,
    imageUrl: product.imageUrl,
    listed: product.listed,
    ...(product.rechargeTemplate ? { recharge: product.rechargeTemplate } : {}),
    createdAt: new Date(product.createdAt).toISOString(),
    skus: rows.map((sku) => skuView(product, sku, contents)),
  };
}

/** Empty text is no text: the admin app sends "" for a field cleared in a form. */
const textOrNull = (value: string | null | undefined) => (value === undefined ? undefined : value || null);

/**
 * A SKU's policy columns, checked against its product's kind: stored value, time cards and
 * licences need their own terms; their codes are not counted in uses, so only a voucher takes more than one.
 */
function policyColumns(
  kind: ProductKind,
  policy: PolicyInput | undefined,
  path: string,
  current: { policyUses: number; policyValidDays: number | null; policyTerms: FormTerms | null } = {
    policyUses: DEFAULT_POLICY.uses,
    policyValidDays: DEFAULT_POLICY.validDays,
    policyTerms: null,
  },
) {
  const columns = {
    policyUses: policy?.uses ?? current.policyUses,
    policyValidDays: policy?.validDays === undefined ? current.policyValidDays : policy.validDays,
    policyTerms: policy?.terms === undefined ? current.policyTerms : policy.terms,
  };
  const problem = checkTerms(kind, columns.policyTerms);
  const form = formOfKind(kind);
  const fault =
    problem ??
    (form !== null && form !== "uses" && columns.policyUses !== 1
      ? { path: "policy.uses", message: `A ${kind} code is not counted in uses: leave uses at 1` }
      : null);
  if (fault) {
    throw new ApiError("invalid_policy", fault.message, {
      errors: [{ path: `${path}${fault.path}`, message: fault.message }],
    });
  }
  return columns;
}

/** A new SKU's row; columns left out take their defaults (no stock yet). */
function newSkuRow(kind: ProductKind, sku: NewSku, now: number, path = "") {
  return {
    id: newId("sku", now),
    name: sku.name,
    priceAmount: sku.price.amount,
    currency: sku.price.currency,
    ...policyColumns(kind, sku.policy, path),
    stockAvailable: 0,
    lowStockThreshold: null,
    createdAt: now,
  } satisfies NewSkuRow;
}

/** Creates a product with its SKUs; with a caller, the audit entry is written in the same batch. */
export async function createProduct(
  ctx: ServiceContext,
  merchantId: string,
  input: NewProduct,
  caller?: AdminCaller,
): Promise<ProductView> {
  const now = Date.now();
  const product = {
    id: newId("product", now),
    name: input.name,
    kind: input.kind,
    description: textOrNull(input.description) ?? null,
    instructions: textOrNull(input.instructions) ?? null,
    imageUrl: input.imageUrl ?? null,
    listed: input.listed ?? true,
    rechargeTemplate: rechargeTemplateFor(input.kind, input.recharge),
    createdAt: now,
    updatedAt: now,
  } satisfies NewProductRow;
  const skuRows = input.skus.map((sku, i) => newSkuRow(input.kind, sku, now, `skus.${i}.`));
  const audit = caller
    ? [
        auditStatement(
          ctx.db,
          merchantId,
          auditEntry(caller, "product.created", product.id, { name: product.name, kind: product.kind }, now),
        ),
      ]
    : [];
  await runAtomic(ctx.db, [...productStatements(ctx.db, merchantId, product, skuRows), ...audit]);
  return toView(product, skuRows);
}

/** Products with their SKUs, newest first, one page at a time. */
export async function listProducts(
  ctx: ServiceContext,
  merchantId: string,
  options: { listedOnly: boolean; limit: number; cursor?: string | undefined },
): Promise<{ data: ProductView[]; nextCursor: string | null }> {
  const page = await listProductsPage(ctx.db, merchantId, options);
  const contents = await contentsFor(ctx, merchantId, page.data);
  const data = page.data.map(({ product, skus }) => toView(product, skus, contents));
  return { data: await withSales(ctx, merchantId, data), nextCursor: page.nextCursor };
}

/** One product; with `listedOnly` (the shop), an unlisted product reads as missing. */
export async function getProduct(
  ctx: ServiceContext,
  merchantId: string,
  productId: string,
  options: { listedOnly: boolean },
): Promise<ProductView> {
  const found = await findProductOfMerchant(ctx.db, merchantId, productId);
  if (!found || (options.listedOnly && !found.product.listed)) throw new ApiError("not_found", "No such product");
  const view = toView(found.product, found.skus, await contentsFor(ctx, merchantId, [found]));
  const [withSale] = await withSales(ctx, merchantId, [view]);
  return withSale as ProductView;
}

export async function updateProduct(
  ctx: ServiceContext,
  caller: AdminCaller,
  productId: string,
  input: {
    name?: string | undefined;
    description?: string | null | undefined;
    instructions?: string | null | undefined;
    imageUrl?: string | null | undefined;
    listed?: boolean | undefined;
  },
): Promise<ProductView> {
  const found = await findProductOfMerchant(ctx.db, caller.merchantId, productId);
  if (!found) throw new ApiError("not_found", "No such product");
  const changes: ProductChanges = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.description !== undefined) changes.description = textOrNull(input.description) ?? null;
  if (input.instructions !== undefined) changes.instructions = textOrNull(input.instructions) ?? null;
  if (input.imageUrl !== undefined) changes.imageUrl = input.imageUrl;
  if (input.listed !== undefined) changes.listed = input.listed;
  const now = Date.now();
  await runAtomic(ctx.db, [
    updateProductStatement(ctx.db, caller.merchantId, productId, changes, now),
    auditStatement(
      ctx.db,
      caller.merchantId,
      auditEntry(caller, "product.updated", productId, { fields: Object.keys(changes) }, now),
    ),
  ]);
  return toView({ ...found.product, ...changes }, found.skus, await contentsFor(ctx, caller.merchantId, [found]));
}

export async function addSku(
  ctx: ServiceContext,
  caller: AdminCaller,
  productId: string,
  input: NewSku,
): Promise<SkuView> {
  const found = await findProductOfMerchant(ctx.db, caller.merchantId, productId);
  if (!found) throw new ApiError("not_found", "No such product");
  const now = Date.now();
  const row = newSkuRow(found.product.kind, input, now);
  await runAtomic(ctx.db, [
    insertSkuStatement(ctx.db, caller.merchantId, productId, row),
    auditStatement(ctx.db, caller.merchantId, auditEntry(caller, "sku.created", row.id, { productId }, now)),
  ]);
  return skuView(found.product, row);
}

/** Edits a SKU; orders already placed keep the price and policy they were bought at. */
export async function updateSku(
  ctx: ServiceContext,
  caller: AdminCaller,
  skuId: string,
  input: {
    name?: string | undefined;
    price?: Money | undefined;
    lowStockThreshold?: number | null | undefined;
    policy?: PolicyInput | undefined;
  },
): Promise<SkuView> {
  const found = await findSkuOfMerchant(ctx.db, caller.merchantId, skuId);
  if (!found) throw new ApiError("not_found", "No such SKU");
  const changes: SkuChanges = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.price !== undefined) {
    changes.priceAmount = input.price.amount;
    changes.currency = input.price.currency;
  }
  if (input.lowStockThreshold !== undefined) changes.lowStockThreshold = input.lowStockThreshold;
  if (input.policy !== undefined)
    Object.assign(changes, policyColumns(found.product.kind, input.policy, "", found.sku));
  await runAtomic(ctx.db, [
    updateSkuStatement(ctx.db, caller.merchantId, skuId, changes),
    auditStatement(
      ctx.db,
      caller.merchantId,
      auditEntry(caller, "sku.updated", skuId, {
        fields: Object.keys(input).filter((key) => input[key as keyof typeof input] !== undefined),
      }),
    ),
  ]);
  return skuView(
    found.product,
    { ...found.sku, ...changes },
    await contentsFor(ctx, caller.merchantId, [{ product: found.product, skus: [found.sku] }]),
  );
}

/** A SKU with its product, only if it belongs to this merchant: a foreign id reads as missing. */
export function skuOfMerchant(ctx: ServiceContext, merchantId: string, skuId: string) {
  return findSkuOfMerchant(ctx.db, merchantId, skuId);
}

/** A card-secret SKU is low when its available units fall to its threshold or below. */
export function isLow(sku: Pick<SkuRow, "stockAvailable" | "lowStockThreshold">): boolean {
  return sku.lowStockThreshold !== null && sku.stockAvailable <= sku.lowStockThreshold;
}

/** Stock of every card-secret and shared-account SKU, from the read model the StockKeepers' events keep. */
export async function stockOverview(ctx: ServiceContext, merchantId: string) {
  const rows = await listStockedSkus(ctx.db, merchantId);
  return {
    data: rows.map(({ sku, product }) => ({
      skuId: sku.id,
      productName: product.name,
      skuName: sku.name,
      kind: product.kind === "shared_account" ? ("shared_account" as const) : ("card_secret" as const),
      available: sku.stockAvailable,
      reserved: sku.stockReserved,
      sold: sku.stockSold,
      lowStockThreshold: sku.lowStockThreshold,
      low: isLow(sku),
    })),
  };
}
