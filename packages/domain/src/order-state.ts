/**
 * The order lifecycle. A late payment may revive an expired or failed order (it is then
 * delivered if stock remains, refunded otherwise); a delivered order whose items are refunded
 * one at a time is `partially_refunded` until the last one (or the whole order) is refunded;
 * nothing leaves `refunded`.
 */
export const ORDER_TRANSITIONS = {
  awaiting_payment: ["paid", "expired", "payment_failed"],
  payment_failed: ["paid", "expired"],
  expired: ["paid"],
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

export const PAYMENT_STATUSES = ["pending", "succeeded", "failed", "refunded"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
