import { z } from "zod";
import type { ServiceContext } from "../context";
import { scoreHeldOrder } from "../services/risk/scoring";
import { backoffSeconds } from "./backoff";

const RiskMessage = z.object({ orderId: z.string().min(1).max(64) });

/**
 * Scores held orders and carries out the decision. Idempotent by order id: the first stored
 * assessment decides, so redelivery, or two messages for one order, changes nothing further.
 */
export async function consumeRisk(ctx: ServiceContext, batch: MessageBatch<unknown>): Promise<void> {
  for (const message of batch.messages) {
    const parsed = RiskMessage.safeParse(message.body);
    if (!parsed.success) {
      ctx.log.error("malformed risk message", { messageId: message.id });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      continue;
    }
    try {
      const result = await scoreHeldOrder(ctx, parsed.data.orderId);
      ctx.log.info("risk message handled", { orderId: parsed.data.orderId, ...result });
      message.ack();
    } catch (error) {
      ctx.log.warn("risk scoring failed; will retry", { orderId: parsed.data.orderId, error: String(error) });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
}
