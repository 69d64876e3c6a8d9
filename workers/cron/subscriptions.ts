import type { ServiceContext } from "../context";
import { settleItemRefunds } from "../services/item-refunds";
import { renewSubscriptions } from "../services/subscriptions/renewals";

/** A per-item refund left half-done this long ago is finished by the cron. */
const ITEM_REFUND_GRACE_MS = 60_000;

/**
 * Subscriptions renew on the cron's clock (`now` is the tick's scheduled time), and per-item
 * refunds whose invocation died after the claim are settled.
 */
export async function scheduleSubscriptions(ctx: ServiceContext, now: number) {
  const renewals = await renewSubscriptions(ctx, now);
  const itemRefunds = await settleItemRefunds(ctx, Date.now(), ITEM_REFUND_GRACE_MS);
  return { ...renewals, itemRefunds };
}
