import type { ServiceContext } from "../context";
import { applyEvent, EventSchema } from "../services/read-models";
import { watchRedemption } from "../services/risk/redemption-watch";
import { backoffSeconds } from "./backoff";

/**
 * Applies Durable Object events to D1's read models. Each message is acked or retried on its
 * own; a malformed one is retried until it lands in the dead-letter queue, where it is kept
 * for a person to look at rather than dropped. A redemption, once in D1, is checked against the
 * partner-side risk rules (after its row, so a retry of either is harmless).
 */
export async function consumeEvents(ctx: ServiceContext, batch: MessageBatch<unknown>): Promise<void> {
  for (const message of batch.messages) {
    const parsed = EventSchema.safeParse(message.body);
    if (!parsed.success) {
      ctx.log.error("malformed event", { messageId: message.id, issues: parsed.error.issues.length });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      continue;
    }
    try {
      await applyEvent(ctx, parsed.data);
      if (parsed.data.type === "code.redeemed") await watchRedemption(ctx, parsed.data);
      message.ack();
    } catch (error) {
      ctx.log.warn("event not applied", { messageId: message.id, type: parsed.data.type, error: String(error) });
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    }
  }
}
