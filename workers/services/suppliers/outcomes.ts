import type { ServiceContext } from "../../context";
import { fulfillOrder } from "../fulfillment";
import { finishRestock } from "./restock";
import { type Applied, isTerminal } from "./upstream";

/**
 * What follows when an upstream order finishes (reported by a callback or a poll): its order
 * line is delivered, fails over to the next supplier or, with none left, the order is refunded
 * (all inside the idempotent fulfilment); a restock's cards go into stock. The fulfilment queue
 * is the retry path should this invocation not finish.
 */
export async function afterUpstreamOutcome(ctx: ServiceContext, applied: Applied): Promise<void> {
  if (!applied.moved || !isTerminal(applied.status)) return;
  const row = applied.row;
  if (row.purpose === "restock") {
    await finishRestock(ctx, row);
    return;
  }
  if (!row.orderId) return;
  await ctx.env.FULFILLMENT.send({ orderId: row.orderId }, { contentType: "json", delaySeconds: 10 });
  const result = await fulfillOrder(ctx, row.orderId);
  ctx.log.info("upstream outcome applied", {
    orderId: row.orderId,
    supplierOrderId: row.id,
    orderStatus: result.status,
  });
}
