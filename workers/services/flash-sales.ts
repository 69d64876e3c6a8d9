import {
  auditStatement,
  cancelSaleStatement,
  currentSales,
  deleteUnstockedSale,
  type FlashSaleRow,
  findFlashSale,
  flashSaleStatement,
  guardedAuditStatement,
  isCancellableSale,
  isGuardRefusal,
  isSaleOverlap,
  listFlashSalesPage,
  markSaleClosed,
  markSaleStockedStatement,
  runAtomic,
  salesToSettle,
} from "@tessera/db";
import {
  type Currency,
  customerOf,
  homeShard,
  MAX_SALE_DAYS,
  newId,
  type ProductKind,
  splitQuota,
} from "@tessera/domain";
import type { AdminCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import { MAX_TRANSFER_UNITS, shardName } from "../objects/stock/sale-terms";
import type { CommitOutcome, StockLevels } from "../objects/stock-keeper";
import type { SaleRefusal, SaleTerms, StockShard } from "../objects/stock-shard";
import { auditEntry } from "./audit";
import { skuOfMerchant } from "./catalog";
import { flashSaleView } from "./flash-sale-views";
import { stockKeeper } from "./stock";

type Money = { amount: number; currency: Currency };

export interface NewFlashSale {
  skuId: string;
  name?: string | undefined;
  price: Money;
  quota: number;
  perCustomerLimit: number;
  shards?: number | undefined;
  startsAt: string;
  endsAt: string;
}

/** Card secrets move into the sale; a minted good's quota is a count of slots. */
const SALE_KINDS: Partial<Record<ProductKind, "units" | "minted">> = { card_secret: "units", voucher: "minted" };
const DEFAULT_SHARDS = 4;

export function saleShard(ctx: ServiceContext, saleId: string, shard: number): DurableObjectStub<StockShard> {
  return ctx.env.STOCK_SHARD.get(ctx.env.STOCK_SHARD.idFromName(shardName(saleId, shard)));
}

function termsOf(sale: FlashSaleRow, minted: boolean): SaleTerms {
  return {
    saleId: sale.id,
    merchantId: sale.merchantId,
    skuId: sale.skuId,
    shards: sale.shards,
    perCustomerLimit: sale.perCustomerLimit,
    startsAt: sale.startsAt,
    endsAt: sale.endsAt,
    minted,
  };
}

const invalid = (path: string, message: string) =>
  new ApiError("validation_failed", message, { errors: [{ path, message }] });

/**
 * Creates a flash sale and sets its stock aside: card secrets move out of the SKU's
 * StockKeeper into the sale's shards (409 `insufficient_stock` when it holds fewer than the
 * quota), a minted good's shards get the quota as slots. Two live sales of one SKU may not
 * overlap. The row and its audit entry are written first, so a creation that dies half-way is
 * finished (or undone) by the clock (`settleFlashSales`).
 */
export async function createFlashSale(ctx: ServiceContext, caller: AdminCaller, input: NewFlashSale) {
  const found = await skuOfMerchant(ctx, caller.merchantId, input.skuId);
  if (!found) throw new ApiError("not_found", "No such SKU");
  const mode = SALE_KINDS[found.product.kind];
  if (!mode) throw new ApiError("conflict", "Flash sales are for card-secret and voucher SKUs");
  if (input.price.currency !== found.sku.currency) throw invalid("price.currency", "must be the SKU's currency");
  const now = Date.now();
  const startsAt = Date.parse(input.startsAt);
  const endsAt = Date.parse(input.endsAt);
  if (endsAt <= startsAt) throw invalid("endsAt", "must be after startsAt");
  if (endsAt <= now) throw invalid("endsAt", "must be in the future");
  if (endsAt - startsAt > MAX_SALE_DAYS * 86_400_000)
    throw invalid("endsAt", `at most ${MAX_SALE_DAYS} days after startsAt`);
  const shards = Math.min(input.shards ?? DEFAULT_SHARDS, input.quota);
  const sale: FlashSaleRow = {
    id: newId("flashSale", now),
    merchantId: caller.merchantId,
    skuId: input.skuId,
    name: input.name?.trim() || `${found.product.name} · ${found.sku.name}`,
    priceAmount: input.price.amount,
    currency: input.price.currency,
    quota: input.quota,
    perCustomerLimit: input.perCustomerLimit,
    shards,
    startsAt,
    endsAt,
    stockedAt: null,
    cancelledAt: null,
    closedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const { merchantId: _merchant, stockedAt: _s, cancelledAt: _c, closedAt: _cl, ...row } = sale;
  try {
    await runAtomic(ctx.db, [
      flashSaleStatement(ctx.db, caller.merchantId, row),
      auditStatement(
        ctx.db,
        caller.merchantId,
        auditEntry(caller, "flash_sale.created", sale.id, { skuId: sale.skuId, quota: sale.quota }, now),
      ),
    ]);
  } catch (error) {
    if (isSaleOverlap(error)) throw new ApiError("conflict", "Another flash sale of this SKU overlaps these times");
    throw error;
  }
  if (!(await stockSale(ctx, sale, mode === "minted"))) {
    await deleteUnstockedSale(ctx.db, caller.merchantId, sale.id);
    throw new ApiError("insufficient_stock", `The SKU holds fewer than ${sale.quota} available units`);
  }
  return flashSaleView({ sale: { ...sale, stockedAt: Date.now() }, available: sale.quota, reserved: 0, sold: 0 });
}

/**
 * Puts the sale's stock into its shards, idempotently (a repeat moves and adds nothing), and
 * marks it stocked. False when the SKU's keeper holds too few units.
 */
async function stockSale(ctx: ServiceContext, sale: FlashSaleRow, minted: boolean): Promise<boolean> {
  const terms = termsOf(sale, minted);
  if (minted) {
    await Promise.all(
      splitQuota(sale.quota, sale.shards).map(async (share, shard) => {
        // At least one transfer per shard, even an empty one: it brings the sale's terms.
        for (let part = 0, sent = 0; part === 0 || sent < share; part++) {
          const size = Math.min(MAX_TRANSFER_UNITS, share - sent);
          const units = Array.from({ length: size }, (_, k) => ({
            unitId: newId("unit"),
            fingerprint: `slot:${sale.id}:${shard}:${sent + k}`,
            codeCiphertext: null,
            secretCiphertext: null,
          }));
          await saleShard(ctx, sale.id, shard).receive(terms, shard, {
            id: `${sale.id}:slots:${shard}:${part}`,
            units,
          });
          sent += size;
        }
      }),
    );
  } else {
    const allocated = await stockKeeper(ctx, sale.skuId).allocate(
      { merchantId: sale.merchantId, skuId: sale.skuId },
      terms,
      sale.quota,
    );
    if (!allocated.ok) return false;
  }
  await markSaleStockedStatement(ctx.db, sale.merchantId, sale.id, Date.now());
  return true;
}

export async function listFlashSales(
  ctx: ServiceContext,
  merchantId: string,
  options: { limit: number; cursor?: string | undefined; skuId?: string | undefined },
) {
  const page = await listFlashSalesPage(ctx.db, merchantId, options);
  const now = Date.now();
  return { data: page.data.map((entry) => flashSaleView(entry, now)), nextCursor: page.nextCursor };
}

/** One sale with each shard's levels read from the shard itself (the list reads a read model). */
export async function getFlashSale(ctx: ServiceContext, merchantId: string, saleId: string) {
  const sale = await findFlashSale(ctx.db, merchantId, saleId);
  if (!sale) throw new ApiError("not_found", "No such flash sale");
  const levels: StockLevels[] = await Promise.all(
    Array.from({ length: sale.shards }, (_, shard) => saleShard(ctx, sale.id, shard).levels()),
  );
  const total = (key: "available" | "reserved" | "sold") => levels.reduce((sum, level) => sum + level[key], 0);
  return {
    ...flashSaleView({ sale, available: total("available"), reserved: total("reserved"), sold: total("sold") }),
    shardLevels: levels.map((level, shard) => ({
      shard,
      available: level.available,
      reserved: level.reserved,
      sold: level.sold,
    })),
  };
}

/**
 * Cancels a sale that is not over: it stops selling at once and its unsold units go back to
 * the SKU's stock; orders already placed in it keep their units and price.
 */
export async function cancelFlashSale(ctx: ServiceContext, caller: AdminCaller, saleId: string) {
  const sale = await findFlashSale(ctx.db, caller.merchantId, saleId);
  if (!sale) throw new ApiError("not_found", "No such flash sale");
  const now = Date.now();
  try {
    await runAtomic(ctx.db, [
      guardedAuditStatement(
        ctx.db,
        caller.merchantId,
        auditEntry(caller, "flash_sale.cancelled", saleId, {}, now),
        isCancellableSale(caller.merchantId, saleId, now),
      ),
      cancelSaleStatement(ctx.db, caller.merchantId, saleId, now),
    ]);
  } catch (error) {
    if (!isGuardRefusal(error)) throw error;
    throw new ApiError(
      "conflict",
      sale.cancelledAt !== null ? "The flash sale was already cancelled" : "The flash sale is over",
    );
  }
  await closeSale(ctx, { ...sale, cancelledAt: now }, now);
  return getFlashSale(ctx, caller.merchantId, saleId);
}

async function closeSale(ctx: ServiceContext, sale: FlashSaleRow, at: number): Promise<void> {
  await Promise.all(Array.from({ length: sale.shards }, (_, shard) => saleShard(ctx, sale.id, shard).close(at)));
  await markSaleClosed(ctx.db, sale.id, Date.now());
}

/**
 * The clock's part: sales over or cancelled are closed in every shard (their alarms do it at
 * the end time; this catches what they missed), and a sale whose creation died before its stock
 * was set aside is stocked now, or removed when the stock is no longer there.
 */
export async function settleFlashSales(ctx: ServiceContext, now: number) {
  const due = await salesToSettle(ctx.db, now, 50);
  let closed = 0;
  let stocked = 0;
  for (const sale of due) {
    if (sale.stockedAt === null && sale.cancelledAt === null) {
      const found = await skuOfMerchant(ctx, sale.merchantId, sale.skuId);
      const ok = found ? await stockSale(ctx, sale, SALE_KINDS[found.product.kind] === "minted") : false;
      if (ok) stocked++;
      else await deleteUnstockedSale(ctx.db, sale.merchantId, sale.id);
      continue;
    }
    await closeSale(ctx, sale, Math.min(sale.cancelledAt ?? sale.endsAt, sale.endsAt));
    closed++;
  }
  return { closed, stocked };
}

// ---- Orders: a line of a SKU on sale is priced and reserved by the sale ----

export interface SaleReservations {
  /** The sale that prices each SKU of the order, by SKU id. */
  readonly sales: Map<string, FlashSaleRow>;
  /** What the order item records: where its reservation lives. */
  itemFields(skuId: string): { flashSaleId: string | null; flashSaleShard: number | null };
  unitAmount(skuId: string, regular: number): number;
  release(): Promise<void>;
}

const REFUSALS: Record<Exclude<SaleRefusal, "sale_ended">, () => ApiError> = {
  sale_not_started: () => new ApiError("sale_not_started", "The flash sale has not opened yet"),
  sale_sold_out: () => new ApiError("sale_sold_out", "The flash sale is sold out; nothing was reserved"),
  sale_limit_exceeded: () =>
    new ApiError("sale_limit_exceeded", "This order would take you past the flash sale's limit per customer"),
};

function notStarted(sale: FlashSaleRow, now: number): ApiError {
  const seconds = Math.max(1, Math.ceil((sale.startsAt - now) / 1000));
  return new ApiError("sale_not_started", `The flash sale opens at ${new Date(sale.startsAt).toISOString()}`, {
    headers: { "retry-after": String(seconds) },
  });
}

/**
 * Reserves the order's lines of SKUs on sale in each sale's shard for this buyer (all or
 * nothing): before a sale opens the order is refused with `sale_not_started` (and when it
 * opens, in Retry-After); a line whose sale ended meanwhile is left to the normal price and
 * stock. The other lines are the caller's to reserve.
 */
export async function reserveSaleLines(
  ctx: ServiceContext,
  merchantId: string,
  lines: { sku: { id: string }; quantity: number }[],
  order: { orderId: string; email: string; ttlMs: number; now: number },
): Promise<SaleReservations> {
  const current = await currentSales(
    ctx.db,
    merchantId,
    lines.map((line) => line.sku.id),
    order.now,
  );
  const customer = customerOf(order.email);
  const held: { sale: FlashSaleRow; shard: number }[] = [];
  const release = () =>
    Promise.all(held.map(({ sale, shard }) => saleShard(ctx, sale.id, shard).release(order.orderId))).then(
      () => undefined,
    );
  const onSale = lines.flatMap((line) => {
    const entry = current.get(line.sku.id);
    if (!entry) return [];
    if (entry.sale.stockedAt === null || order.now < entry.sale.startsAt) throw notStarted(entry.sale, order.now);
    return [{ line, sale: entry.sale, shard: homeShard(customer, entry.sale.shards) }];
  });
  const outcomes = await Promise.all(
    onSale.map(({ line, sale, shard }) =>
      saleShard(ctx, sale.id, shard).reserve(order.orderId, customer, line.quantity, order.ttlMs, order.now),
    ),
  );
  let refusal: ApiError | null = null;
  for (const [i, outcome] of outcomes.entries()) {
    const entry = onSale[i] as (typeof onSale)[number];
    if (outcome.ok) held.push({ sale: entry.sale, shard: entry.shard });
    else if (outcome.error === "sale_not_started") refusal ??= notStarted(entry.sale, order.now);
    else if (outcome.error !== "sale_ended") refusal ??= REFUSALS[outcome.error]();
  }
  if (refusal) {
    await release();
    throw refusal;
  }
  const bySku = new Map(held.map((entry) => [entry.sale.skuId, entry]));
  return {
    sales: new Map(held.map((entry) => [entry.sale.skuId, entry.sale])),
    itemFields: (skuId) => {
      const entry = bySku.get(skuId);
      return { flashSaleId: entry?.sale.id ?? null, flashSaleShard: entry?.shard ?? null };
    },
    unitAmount: (skuId, regular) => bySku.get(skuId)?.sale.priceAmount ?? regular,
    release,
  };
}

/** Fulfilment of a line bought in a sale: its shard sells the reserved units (idempotently). */
export function commitSaleItem(
  ctx: ServiceContext,
  orderId: string,
  item: { flashSaleId: string; flashSaleShard: number | null; quantity: number },
): Promise<CommitOutcome> {
  return saleShard(ctx, item.flashSaleId, item.flashSaleShard ?? 0).commit(orderId, item.quantity);
}
