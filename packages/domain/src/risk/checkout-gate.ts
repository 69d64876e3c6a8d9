import type { CheckoutAsk, FailurePolicy } from "./limits";

/** One buyer identity's recent checkouts, as its RateGate keeps them. */
export interface BuyerState {
  /** When each checkout attempt of the last minute was made. */
  attempts: number[];
  /** Orders still inside the purchase window, or still holding an unpaid slot (`holdUntil` > now). */
  orders: { id: string; at: number; holdUntil: number; lines: Record<string, number> }[];
  /** When each payment failure still inside its window happened. */
  failures: number[];
  coolUntil: number;
}

export const EMPTY_BUYER: BuyerState = { attempts: [], orders: [], failures: [], coolUntil: 0 };

export type CheckoutRefusal = "payment_cooldown" | "rate_limited" | "order_limit_reached" | "purchase_limit_reached";

export type CheckoutVerdict =
  | { ok: true }
  /** `retryAfterMs` 0: waiting does not help (one order asks more than the limit). */
  | { ok: false; code: CheckoutRefusal; retryAfterMs: number; skuId?: string };

const MINUTE = 60_000;

function prune(state: BuyerState, now: number, purchaseWindowMs: number): BuyerState {
  return {
    attempts: state.attempts.filter((at) => at > now - MINUTE),
    orders: state.orders.filter((order) => order.holdUntil > now || order.at > now - purchaseWindowMs),
    failures: state.failures,
    coolUntil: state.coolUntil,
  };
}

/**
 * Decides one checkout for one identity, in this order: a payment cool-down, the attempt rate,
 * the cap on unpaid orders, then each SKU's purchase limit. An admitted order is recorded (its
 * slot held until `holdUntil`, its units counted); a refused one only counts as an attempt,
 * so a script hammering the gate stays refused.
 */
export function admitCheckout(current: BuyerState, ask: CheckoutAsk): { state: BuyerState; verdict: CheckoutVerdict } {
  const { now } = ask;
  const state = prune(current, now, ask.purchaseWindowMs);
  if (state.coolUntil > now) {
    return { state, verdict: { ok: false, code: "payment_cooldown", retryAfterMs: state.coolUntil - now } };
  }
  if (state.attempts.length >= ask.attemptsPerMinute) {
    const oldest = state.attempts[0] ?? now;
    return { state, verdict: { ok: false, code: "rate_limited", retryAfterMs: oldest + MINUTE - now } };
  }
  state.attempts.push(now);
  const holding = state.orders.filter((order) => order.holdUntil > now);
  if (holding.length >= ask.unpaidCap) {
    const freesAt = Math.min(...holding.map((order) => order.holdUntil));
    return { state, verdict: { ok: false, code: "order_limit_reached", retryAfterMs: freesAt - now } };
  }
  for (const line of ask.lines) {
    const wait = purchaseWait(state, line, now, ask.purchaseWindowMs);
    if (wait !== null) {
      return { state, verdict: { ok: false, code: "purchase_limit_reached", retryAfterMs: wait, skuId: line.skuId } };
    }
  }
  state.orders.push({
    id: ask.orderId,
    at: now,
    holdUntil: ask.holdUntil,
    lines: Object.fromEntries(ask.lines.map((line) => [line.skuId, line.quantity])),
  });
  return { state, verdict: { ok: true } };
}

/**
 * Null when `quantity` more units of the SKU fit the limit now; otherwise how long until enough
 * earlier orders leave the window (0 when no wait is enough).
 */
function purchaseWait(
  state: BuyerState,
  line: { skuId: string; quantity: number; limit: number },
  now: number,
  windowMs: number,
): number | null {
  if (line.quantity > line.limit) return 0;
  const earlier = state.orders
    .filter((order) => order.at > now - windowMs && (order.lines[line.skuId] ?? 0) > 0)
    .sort((a, b) => a.at - b.at);
  let counted = earlier.reduce((total, order) => total + (order.lines[line.skuId] ?? 0), 0);
  if (counted + line.quantity <= line.limit) return null;
  for (const order of earlier) {
    counted -= order.lines[line.skuId] ?? 0;
    if (counted + line.quantity <= line.limit) return order.at + windowMs - now;
  }
  return 0;
}

/** Forgets an order entirely: it was never placed (another gate or the stock refused it). */
export function forgetOrder(state: BuyerState, orderId: string): BuyerState {
  return { ...state, orders: state.orders.filter((order) => order.id !== orderId) };
}

/** A paid order frees its unpaid slot; its units keep counting against the purchase limits. */
export function settleOrder(state: BuyerState, orderId: string): BuyerState {
  return {
    ...state,
    orders: state.orders.map((order) => (order.id === orderId ? { ...order, holdUntil: 0 } : order)),
  };
}

/**
 * Counts a failed payment (and forgets its order: a failed payment bought nothing and holds no
 * stock). Reaching the policy's limit inside its window starts a cool-down.
 */
export function recordFailure(
  state: BuyerState,
  now: number,
  policy: FailurePolicy,
  orderId?: string,
): { state: BuyerState; coolUntil: number } {
  const failures = [...state.failures.filter((at) => at > now - policy.windowMs), now];
  const coolUntil =
    failures.length >= policy.limit ? Math.max(state.coolUntil, now + policy.cooldownMs) : state.coolUntil;
  const orders = orderId ? state.orders.filter((order) => order.id !== orderId) : state.orders;
  return { state: { ...state, orders, failures, coolUntil }, coolUntil };
}

/** Extends a cool-down to `until` (a card in cool-down cools the buyers who tried it). */
export function coolDown(state: BuyerState, until: number): BuyerState {
  return { ...state, coolUntil: Math.max(state.coolUntil, until) };
}
