import { z } from "zod";
import type { ServiceContext } from "../context";
import { fulfillOrder } from "../services/fulfillment";
import { backoffSeconds } from "./backoff";

const FulfilmentMessage = z.object({ orderId: z.string().min(1).max(64) });

/** The retry path of fulfilment; the first attempt already ran inside the payment webhook. */
export async function consumeFulfilment(ctx: ServiceContext, batch: MessageBatch<unknown>): Promise<void> {
  for (const message of batch.messages) {
    const parsed = FulfilmentMessage.safeParse(message.body);
    if (!parsed.success) {
      ctx.log.error("malformed fulfilment message", { messageId: message.id });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      continue;
    }
    try {
      const result = await fulfillOrder(ctx, parsed.data.orderId);
      ctx.log.info("fulfilment message handled", { orderId: parsed.data.orderId, status: result.status });
      message.ack();
    } catch (error) {
      ctx.log.warn("fulfilment failed; will retry", { orderId: parsed.data.orderId, error: String(error) });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
}
