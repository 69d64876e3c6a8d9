/**
 * The order lifecycle. A late payment may revive an expired or failed order (it is then
 * delivered if stock remains, refunded otherwise); a delivered order whose items are refunded
 * one at a time is `partially_refunded` until the last one (or the whole order) is refunded;
 * nothing leaves `refunded`. A payment the fast risk rules cannot clear puts the order `on_hold`
 * instead of `paid`: the `risk` queue (or a reviewer) releases it to `paid`, or refunds it.
 */
export const ORDER_TRANSITIONS = {
  awaiting_payment: ["paid", "on_hold", "expired", "payment_failed"],
  payment_failed: ["paid", "on_hold", "expired"],
  expired: ["paid", "on_hold"],
  on_hold: ["paid", "refunded"],
  paid: ["fulfilled", "refunded"],
  fulfilled: ["partially_refunded", "refunded"],
  partially_refunded: ["refunded"],
  refunded: [],
} as const satisfies Record<string, readonly string[]>;

export type OrderStatus = keyof typeof ORDER_TRANSITIONS;

export const ORDER_STATUSES = Object.keys(ORDER_TRANSITIONS) as OrderStatus[];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return (ORDER_TRANSITIONS[from] as readonly OrderStatus[]).includes(to);
}

/** The states an order may be in for a move to `to`: the guard of a conditional UPDATE. */
export function predecessorsOf(to: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.filter((from) => canTransition(from, to));
}

/**
 * The states a successful payment moves an order out of (to `paid`, or `on_hold` for the risk
 * rules). Not `predecessorsOf("paid")`: a held order also becomes paid, but only by its release,
 * never by a replayed payment event.
 */
export const UNPAID_STATUSES = predecessorsOf("on_hold");

export const PAYMENT_STATUSES = ["pending", "succeeded", "failed", "refunded"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
