import { z } from "zod";
import type { ServiceContext } from "../context";
import { attemptDelivery } from "../services/channels/webhooks";
import { backoffSeconds } from "./backoff";

const DeliveryMessage = z.object({ deliveryId: z.string().min(1).max(64) });

/**
 * Sends resellers' webhooks, one delivery per message. An attempt that failed is retried after
 * the backoff the delivery recorded; our own failures (D1 down) are retried with the queue's.
 */
export async function consumeChannelWebhooks(ctx: ServiceContext, batch: MessageBatch<unknown>): Promise<void> {
  for (const message of batch.messages) {
    const parsed = DeliveryMessage.safeParse(message.body);
    if (!parsed.success) {
      ctx.log.error("malformed webhook delivery message", { messageId: message.id });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      continue;
    }
    try {
      const outcome = await attemptDelivery(ctx, parsed.data.deliveryId);
      if (outcome.done) message.ack();
      else message.retry({ delaySeconds: outcome.retryInSeconds });
    } catch (error) {
      ctx.log.warn("webhook delivery not attempted", { deliveryId: parsed.data.deliveryId, error: String(error) });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
}
