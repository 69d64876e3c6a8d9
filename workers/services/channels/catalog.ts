import { type ChannelRow, listChannelCatalogPage, type PriceEntryRow } from "@tessera/db";
import { availableThrough, channelPrice, quotaRemaining } from "@tessera/domain";
import type { ServiceContext } from "../../context";
import { getProduct, listProducts, type ProductView, type SkuView, skuView } from "../catalog";
import { consumerChannel, type SalesChannel } from "./sales";

/** A SKU as a channel offers it: its price there, and what its quota leaves on sale. */
function throughChannel(
  channel: SalesChannel,
  product: Pick<ProductView, "listed">,
  sku: SkuView,
  entry: PriceEntryRow | undefined,
): SkuView & { price: NonNullable<ReturnType<typeof channelPrice>> } {
  // A flash sale is the shop's own promotion: its price never shows through another channel.
  const { flashSale: _shops, ...own } = sku;
  return {
    ...own,
    price: channelPrice(channel.kind, { listPrice: sku.price, listed: product.listed }, entry) ?? sku.price,
    available: availableThrough(sku.available, quotaRemaining(entry)),
  };
}

async function withChannelPrices(ctx: ServiceContext, merchantId: string, channel: SalesChannel, views: ProductView[]) {
  const skuIds = views.flatMap((product) => product.skus.map((sku) => sku.id));
  const entries = new Map((await channel.entries(ctx, merchantId, skuIds)).map((entry) => [entry.skuId, entry]));
  return views.map((product) => ({
    ...product,
    skus: product.skus.map((sku) => throughChannel(channel, product, sku, entries.get(sku.id))),
  }));
}

/**
 * The shop's listed products as the channel of the request sees them: the shop (no key) at list
 * prices, a mini-program or app at its own prices, with its quotas capping what is on sale.
 */
export async function shopProducts(
  ctx: ServiceContext,
  merchantId: string,
  channelKey: string | undefined,
  options: { limit: number; cursor?: string | undefined },
) {
  const channel = await consumerChannel(ctx, merchantId, channelKey);
  const page = await listProducts(ctx, merchantId, { listedOnly: true, ...options });
  if (channel.id === null) return page;
  return { data: await withChannelPrices(ctx, merchantId, channel, page.data), nextCursor: page.nextCursor };
}

export async function shopProduct(
  ctx: ServiceContext,
  merchantId: string,
  productId: string,
  channelKey: string | undefined,
) {
  const channel = await consumerChannel(ctx, merchantId, channelKey);
  const product = await getProduct(ctx, merchantId, productId, { listedOnly: true });
  if (channel.id === null) return product;
  const [priced] = await withChannelPrices(ctx, merchantId, channel, [product]);
  return priced ?? product;
}

const quotaView = (entry: PriceEntryRow) =>
  entry.quota === null ? null : { limit: entry.quota, used: entry.quotaUsed, remaining: quotaRemaining(entry) ?? 0 };

/**
 * A reseller's catalog: exactly the SKUs of its price list, at its prices, with its quotas.
 * Nothing in it comes from another channel's list.
 */
export async function resellerCatalog(
  ctx: ServiceContext,
  channel: ChannelRow,
  options: { limit: number; cursor?: string | undefined },
) {
  const page = await listChannelCatalogPage(ctx.db, channel.merchantId, channel.id, options);
  return {
    data: page.data.map(({ product, lines }) => ({
      id: product.id,
      name: product.name,
      kind: product.kind,
      description: product.description,
      instructions: product.instructions,
      imageUrl: product.imageUrl,
      ...(product.rechargeTemplate ? { recharge: product.rechargeTemplate } : {}),
      skus: lines.map(({ sku, entry }) => {
        const { lowStockThreshold: _merchantsOwn, ...view } = skuView(product, sku);
        return {
          ...view,
          price: channelPrice("reseller", { listPrice: view.price, listed: product.listed }, entry) ?? view.price,
          available: availableThrough(view.available, quotaRemaining(entry)),
          quota: quotaView(entry),
        };
      }),
    })),
    nextCursor: page.nextCursor,
  };
}
