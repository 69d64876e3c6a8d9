import { findOrder, type OrderStatus } from "@tessera/db";
import type { ChannelCaller, ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { fulfillOrder } from "../fulfillment";
import { orderView, revealDeliveries } from "../order-views";
import { listOrders, type NewOrder, placeOrder } from "../orders";
import { channelOf } from "./registry";
import { resellerChannel } from "./sales";

/** The reseller's own order with its codes once delivered; any other order reads as missing. */
export async function resellerOrder(ctx: ServiceContext, caller: ChannelCaller, orderId: string) {
  const found = await findOrder(ctx.db, caller.merchantId, orderId);
  if (!found || found.order.channelId !== caller.channelId) throw new ApiError("not_found", "No such order");
  return {
    ...orderView(found.order, found.items, found.payment, null),
    deliveries: found.order.status === "fulfilled" ? await revealDeliveries(ctx, found.deliveries, found.items) : [],
  };
}

/**
 * A reseller's order: placed like any order, at the reseller's prices, and paid from its
 * balance in the same batch (402 `insufficient_funds` when short, and then nothing is held or
 * debited). It is delivered before the answer when it can be, the fulfilment queue being the
 * retry path, so the answer usually carries the codes already.
 */
export async function createResellerOrder(
  ctx: ServiceContext,
  caller: ChannelCaller,
  input: { items: NewOrder["items"] },
) {
  const channel = await channelOf(ctx, caller.merchantId, caller.channelId);
  const placed = await placeOrder(
    ctx,
    { id: caller.merchantId },
    { email: channel.contactEmail ?? "", items: input.items },
    resellerChannel(channel),
  );
  const orderId = placed.order.id;
  await ctx.env.FULFILLMENT.send({ orderId }, { contentType: "json", delaySeconds: 10 });
  try {
    await fulfillOrder(ctx, orderId);
  } catch (error) {
    ctx.log.warn("inline fulfilment failed", { orderId, error: String(error) });
  }
  return resellerOrder(ctx, caller, orderId);
}

export function resellerOrders(
  ctx: ServiceContext,
  caller: ChannelCaller,
  options: { limit: number; cursor?: string | undefined; status?: OrderStatus | undefined },
) {
  return listOrders(ctx, caller.merchantId, { ...options, channelId: caller.channelId });
}
