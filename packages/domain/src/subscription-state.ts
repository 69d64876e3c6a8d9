/**
 * A subscription's life: `active` while paid up (it renews at the end of each period),
 * `past_due` while a renewal charge is being retried, `canceled` once the customer (or staff)
 * stopped it — the period already paid for runs to its end, nothing renews after — and
 * `lapsed` when every retry of a renewal failed.
 */
export const SUBSCRIPTION_STATUSES = ["active", "past_due", "canceled", "lapsed"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/**
 * When a failed renewal charge is tried again, counted from the failure: after 1 hour, then
 * 1 day, then 3 days. A fourth failure lapses the subscription, about four days after the
 * renewal was due. Each failure, and the lapse, sends the customer a notice.
 */
export const RENEWAL_RETRY_DELAYS_MS = [3_600_000, 86_400_000, 3 * 86_400_000] as const;
export const MAX_RENEWAL_ATTEMPTS = RENEWAL_RETRY_DELAYS_MS.length + 1;

export type FailedChargeOutcome = { next: "retry"; retryAt: number } | { next: "lapse" };

/** What follows the failure of charge attempt `attempt` (1 for the first) at `failedAt`. */
export function afterFailedCharge(attempt: number, failedAt: number): FailedChargeOutcome {
  const delay = RENEWAL_RETRY_DELAYS_MS[attempt - 1];
  return delay === undefined ? { next: "lapse" } : { next: "retry", retryAt: failedAt + delay };
}

/** Subscriptions that still renew; a cancelled or lapsed one never renews again. */
export function renews(status: SubscriptionStatus): boolean {
  return status === "active" || status === "past_due";
}
