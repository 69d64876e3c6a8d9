import type { Db } from "../client";
import { webhookEvents } from "../schema";

export type WebhookEvent = typeof webhookEvents.$inferSelect;

/**
 * Records a provider's event id as a statement for runAtomic, beside the transition it causes:
 * its result is empty when the event was seen before, which makes the batch a replay.
 */
export function webhookEventStatement(db: Db, event: WebhookEvent) {
  return db.insert(webhookEvents).values(event).onConflictDoNothing().returning({ eventId: webhookEvents.eventId });
}

/** True the first time a provider's event id is recorded, false on every redelivery. */
export async function recordWebhookEvent(db: Db, event: WebhookEvent): Promise<boolean> {
  return (await webhookEventStatement(db, event)).length > 0;
}
