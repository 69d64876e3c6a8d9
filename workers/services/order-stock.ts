import { orderItems } from "@tessera/db/schema";
import { and, eq, inArray, isNotNull, or } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { releaseChannelQuota } from "./channels/quotas";
import { saleShard } from "./flash-sales";
import { STOCKED_KINDS, stockKeeper } from "./stock";

/**
 * Returns an order's stock wherever its reservation lives (the SKU's StockKeeper, or the
 * shard of the flash sale it was bought in): a held reservation, and with `includeCommitted`
 * also units committed but never delivered (a refund before delivery). With `delivered` (a
 * refund after delivery) only seats on shared accounts are freed: a card secret the buyer has
 * seen stays sold, but a seat counts a buyer, and a refunded buyer is no longer one. The units
 * the order claimed of its channel's quota go back with an undelivered order's stock.
 */
export async function releaseOrderStock(
  ctx: ServiceContext,
  orderId: string,
  options: { includeCommitted?: boolean; delivered?: boolean } = {},
): Promise<void> {
  const items = await ctx.db
    .select({
      skuId: orderItems.skuId,
      merchantId: orderItems.merchantId,
      kind: orderItems.kind,
      flashSaleId: orderItems.flashSaleId,
      flashSaleShard: orderItems.flashSaleShard,
    })
    .from(orderItems)
    .where(
      and(
        eq(orderItems.orderId, orderId),
        or(inArray(orderItems.kind, [...STOCKED_KINDS]), isNotNull(orderItems.flashSaleId)),
      ),
    )
    .all();
  const release = { includeCommitted: options.includeCommitted ?? false };
  await Promise.all(
    items.map((item) => {
      if (options.delivered && item.kind !== "shared_account") return null;
      if (item.flashSaleId !== null) {
        return saleShard(ctx, item.flashSaleId, item.flashSaleShard ?? 0).release(orderId, release);
      }
      return stockKeeper(ctx, item.skuId).release({ merchantId: item.merchantId, skuId: item.skuId }, orderId, release);
    }),
  );
  if (!options.delivered) await releaseChannelQuota(ctx, orderId);
}
