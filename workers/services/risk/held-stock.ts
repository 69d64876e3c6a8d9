import { orderItems, orders } from "@tessera/db/schema";
import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { linesBySku } from "../bundles";
import { commitSaleItem } from "../flash-sales";
import { isStocked, stockKeeper } from "../stock";
import { itemsSentUpstream } from "../suppliers/upstream";

/**
 * Keeps the units of an order held for a person: its reservations are committed (sold to it,
 * shown to no one), so a review longer than a reservation's lifetime never loses them. Approval
 * then delivers the same units (a commit repeated returns them), rejection gives them back (a
 * refund before delivery releases committed units). A line whose stock is already gone, or that
 * went to a supplier, is left to fulfilment's own handling.
 */
export async function keepHeldStock(ctx: ServiceContext, orderId: string): Promise<void> {
  const order = await ctx.db.select({ merchantId: orders.merchantId }).from(orders).where(eq(orders.id, orderId)).get();
  if (!order) return;
  const items = await ctx.db.select().from(orderItems).where(eq(orderItems.orderId, orderId)).all();
  const sentUpstream = items.some((line) => line.kind === "card_secret")
    ? await itemsSentUpstream(ctx, orderId)
    : new Set<string>();
  const sales = items.flatMap((item) =>
    item.flashSaleId === null ? [] : [{ ...item, flashSaleId: item.flashSaleId }],
  );
  const cards = items.filter((item) => isStocked(item.kind) && item.flashSaleId === null && !sentUpstream.has(item.id));
  await Promise.all([
    ...sales.map((item) => commitSaleItem(ctx, orderId, item)),
    ...linesBySku(cards).map((group) => {
      const skuId = group[0]?.skuId ?? "";
      const quantity = group.reduce((total, item) => total + item.quantity, 0);
      return stockKeeper(ctx, skuId).commit({ merchantId: order.merchantId, skuId }, orderId, quantity);
    }),
  ]);
}
