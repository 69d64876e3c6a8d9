import { describe, expect, test } from "vitest";
import { canTransition, ORDER_STATUSES, type OrderStatus, predecessorsOf, UNPAID_STATUSES } from "../src/order-state";

/** The lifecycle as the design describes it, written out independently of the table under test. */
const ALLOWED = new Set([
  "awaiting_payment→paid",
  "awaiting_payment→expired",
  "awaiting_payment→payment_failed",
  "payment_failed→paid",
  "payment_failed→expired",
  "expired→paid",
  "awaiting_payment→on_hold",
  "payment_failed→on_hold",
  "expired→on_hold",
  "on_hold→paid",
  "on_hold→refunded",
  "paid→fulfilled",
  "paid→refunded",
  "fulfilled→refunded",
  "fulfilled→partially_refunded",
  "partially_refunded→refunded",
]);

const PAIRS = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));

function reachableFrom(start: OrderStatus): Set<OrderStatus> {
  const seen = new Set<OrderStatus>([start]);
  const queue = [start];
  for (let from = queue.shift(); from; from = queue.shift()) {
    for (const to of ORDER_STATUSES) {
      if (!seen.has(to) && canTransition(from, to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

describe("order lifecycle", () => {
  test("the statuses are exactly the eight of the design", () => {
    expect([...ORDER_STATUSES].sort()).toEqual(
      [
        "awaiting_payment",
        "expired",
        "fulfilled",
        "on_hold",
        "paid",
        "payment_failed",
        "partially_refunded",
        "refunded",
      ].sort(),
    );
  });

  test.each(PAIRS)("%s → %s is allowed only if the design allows it", (from, to) => {
    expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}→${to}`));
  });

  test("a payment arriving after the order expired still makes it paid", () => {
    expect(canTransition("expired", "paid")).toBe(true);
  });

  test("a fulfilled order never goes back to paid", () => {
    expect(canTransition("fulfilled", "paid")).toBe(false);
  });

  test("nothing leaves a refunded order", () => {
    for (const to of ORDER_STATUSES) expect(canTransition("refunded", to)).toBe(false);
  });

  test("no status moves to itself, so a repeated update finds nothing to change", () => {
    for (const status of ORDER_STATUSES) expect(canTransition(status, status)).toBe(false);
  });

  test("an order can become paid from awaiting payment, a failed payment or expiry, or by its release from a hold", () => {
    expect(predecessorsOf("paid").sort()).toEqual(["awaiting_payment", "expired", "on_hold", "payment_failed"]);
  });

  test("a payment moves only an unpaid order: a held one waits for its release", () => {
    expect([...UNPAID_STATUSES].sort()).toEqual(["awaiting_payment", "expired", "payment_failed"]);
  });

  test("only a held, paid, fulfilled or partially refunded order can be refunded", () => {
    expect(predecessorsOf("refunded").sort()).toEqual(["fulfilled", "on_hold", "paid", "partially_refunded"]);
  });

  test("only a delivered order has items refunded one at a time", () => {
    expect(predecessorsOf("partially_refunded")).toEqual(["fulfilled"]);
  });

  test("every status is reachable from a new order, and every order can still end refunded", () => {
    expect(reachableFrom("awaiting_payment").size).toBe(ORDER_STATUSES.length);
    for (const status of ORDER_STATUSES) expect(reachableFrom(status).has("refunded"), status).toBe(true);
  });
});
