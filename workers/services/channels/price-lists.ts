import {
  auditStatement,
  type ChannelRow,
  deletePriceEntryStatement,
  isQuotaRefusal,
  listPriceListPage,
  type PriceListLine,
  priceEntriesFor,
  runAtomic,
  skusOfMerchant,
  updateSkuStatement,
  upsertPriceEntryStatement,
} from "@tessera/db";
import { channelPrice, type Money, quotaRemaining } from "@tessera/domain";
import type { AdminCaller, ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { auditEntry } from "../audit";
import { channelOf } from "./registry";

function lineView(channel: ChannelRow, { sku, product, entry }: PriceListLine) {
  const listPrice = { amount: sku.priceAmount, currency: sku.currency };
  return {
    skuId: sku.id,
    productId: product.id,
    productName: product.name,
    skuName: sku.name,
    kind: product.kind,
    listed: product.listed,
    listPrice,
    /** What the channel sells it at; null when it does not sell it. */
    price: channelPrice(channel.kind, { listPrice, listed: product.listed }, entry ?? undefined),
    /** The channel's own price, when it has one (the shop's own price is the list price). */
    ownPrice:
      entry?.priceAmount != null && entry.currency != null
        ? { amount: entry.priceAmount, currency: entry.currency }
        : null,
    inPriceList: entry !== null,
    quota: entry?.quota ?? null,
    sold: entry?.quotaUsed ?? 0,
    remaining: quotaRemaining(entry ?? undefined),
  };
}

/** The bulk editor's rows: every SKU of the merchant (or only those in the list) with the channel's terms. */
export async function priceList(
  ctx: ServiceContext,
  merchantId: string,
  channelId: string,
  options: { limit: number; cursor?: string | undefined; pricedOnly?: boolean | undefined },
) {
  const channel = await channelOf(ctx, merchantId, channelId);
  const page = await listPriceListPage(ctx.db, merchantId, channelId, options);
  return { data: page.data.map((line) => lineView(channel, line)), nextCursor: page.nextCursor };
}

export interface PriceListEdit {
  set: { skuId: string; price: Money | null; quota: number | null }[];
  remove: string[];
}

const invalid = (path: string, message: string) =>
  new ApiError("validation_failed", "Some entries cannot be set", { errors: [{ path, message }] });

/**
 * Sets and removes entries of a channel's price list in one batch with its audit entry. Prices
 * are in the SKU's currency (a reseller's also in its balance's); for the shop, a price sets the
 * SKU's list price itself, since that is what the shop sells at. A quota cannot go below the
 * units already counted against it, even if orders race the edit (the check fails the batch).
 */
export async function editPriceList(ctx: ServiceContext, caller: AdminCaller, channelId: string, edit: PriceListEdit) {
  const channel = await channelOf(ctx, caller.merchantId, channelId);
  const named = [...edit.set.map((entry) => entry.skuId), ...edit.remove];
  const twice = named.find((skuId, i) => named.indexOf(skuId) !== i);
  if (twice) throw invalid("set", `${twice} is named more than once`);
  const found = new Map((await skusOfMerchant(ctx.db, caller.merchantId, named)).map((row) => [row.sku.id, row]));
  if (named.some((skuId) => !found.has(skuId))) throw new ApiError("not_found", "No such SKU");
  const current = new Map(
    (await priceEntriesFor(ctx.db, caller.merchantId, channelId, named)).map((entry) => [entry.skuId, entry]),
  );
  for (const [i, entry] of edit.set.entries()) {
    const sku = found.get(entry.skuId)?.sku;
    if (entry.price && entry.price.currency !== sku?.currency) {
      throw invalid(`set.${i}.price.currency`, `the SKU is priced in ${sku?.currency}`);
    }
    if (entry.price && channel.kind === "reseller" && entry.price.currency !== channel.balanceCurrency) {
      throw invalid(`set.${i}.price.currency`, `the reseller's balance is kept in ${channel.balanceCurrency}`);
    }
    const used = current.get(entry.skuId)?.quotaUsed ?? 0;
    if (entry.quota !== null && entry.quota < used) {
      throw new ApiError("conflict", `The quota of ${entry.skuId} cannot go below the ${used} units already sold`);
    }
  }
  const now = Date.now();
  const statements = [
    ...edit.set.flatMap((entry) => {
      const ownPrice = channel.kind === "shop" ? null : entry.price;
      const write = upsertPriceEntryStatement(ctx.db, caller.merchantId, {
        channelId,
        skuId: entry.skuId,
        priceAmount: ownPrice?.amount ?? null,
        currency: ownPrice?.currency ?? null,
        quota: entry.quota,
        updatedAt: now,
      });
      return channel.kind === "shop" && entry.price
        ? [write, updateSkuStatement(ctx.db, caller.merchantId, entry.skuId, { priceAmount: entry.price.amount })]
        : [write];
    }),
    ...edit.remove.map((skuId) => deletePriceEntryStatement(ctx.db, caller.merchantId, channelId, skuId)),
  ];
  try {
    await runAtomic(ctx.db, [
      auditStatement(
        ctx.db,
        caller.merchantId,
        auditEntry(
          caller,
          "channel.prices_updated",
          channelId,
          { set: edit.set.length, removed: edit.remove.length },
          now,
        ),
      ),
      ...statements,
    ]);
  } catch (error) {
    if (isQuotaRefusal(error)) throw new ApiError("conflict", "A quota cannot go below the units already sold");
    throw error;
  }
  return { set: edit.set.length, removed: edit.remove.length };
}
