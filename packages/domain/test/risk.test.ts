import { describe, expect, test } from "vitest";
import {
  admitCheckout,
  admitLookup,
  type BuyerState,
  type CheckoutAsk,
  checkoutAsk,
  DEFAULT_RISK_LIMITS,
  EMPTY_BUYER,
  EMPTY_LOOKUPS,
  forgetOrder,
  type LookupAsk,
  type LookupState,
  recordFailure,
  settleLookup,
  settleOrder,
} from "../src/risk";

const T0 = 1_800_000_000_000;
const MIN = 60_000;

const ask = (orderId: string, now: number, overrides: Partial<CheckoutAsk> = {}): CheckoutAsk => ({
  orderId,
  now,
  attemptsPerMinute: 100,
  purchaseWindowMs: 60 * MIN,
  lines: [{ skuId: "sku_a", quantity: 1, limit: 3 }],
  unpaidCap: 100,
  holdUntil: now + 15 * MIN,
  ...overrides,
});

function run(state: BuyerState, asks: CheckoutAsk[]) {
  const verdicts = [];
  for (const next of asks) {
    const result = admitCheckout(state, next);
    state = result.state;
    verdicts.push(result.verdict);
  }
  return { state, verdicts };
}

describe("checkout gate of one buyer identity", () => {
  test("admits units of a SKU up to its limit inside the window, then says when one leaves it", () => {
    const { state, verdicts } = run(EMPTY_BUYER, [ask("o1", T0), ask("o2", T0 + MIN), ask("o3", T0 + 2 * MIN)]);
    expect(verdicts.every((verdict) => verdict.ok)).toBe(true);
    const refused = admitCheckout(state, ask("o4", T0 + 3 * MIN));
    expect(refused.verdict).toEqual({
      ok: false,
      code: "purchase_limit_reached",
      retryAfterMs: 57 * MIN,
      skuId: "sku_a",
    });
    expect(admitCheckout(refused.state, ask("o5", T0 + 60 * MIN + 1)).verdict).toEqual({ ok: true });
  });

  test("one order asking more than the limit is refused with no wait that would help", () => {
    const verdict = admitCheckout(EMPTY_BUYER, ask("o1", T0, { lines: [{ skuId: "sku_a", quantity: 4, limit: 3 }] }));
    expect(verdict.verdict).toEqual({ ok: false, code: "purchase_limit_reached", retryAfterMs: 0, skuId: "sku_a" });
  });

  test("caps unpaid orders; a paid, forgotten or lapsed order frees its slot", () => {
    const capped = (id: string, now: number) => ask(id, now, { unpaidCap: 2, lines: [] });
    let { state, verdicts } = run(EMPTY_BUYER, [capped("o1", T0), capped("o2", T0 + 1000), capped("o3", T0 + 2000)]);
    expect(verdicts.map((verdict) => verdict.ok)).toEqual([true, true, false]);
    expect(verdicts[2]).toEqual({ ok: false, code: "order_limit_reached", retryAfterMs: 15 * MIN - 2000 });
    state = settleOrder(state, "o1");
    expect(admitCheckout(state, capped("o4", T0 + 3000)).verdict.ok).toBe(true);
    state = admitCheckout(state, capped("o4", T0 + 3000)).state;
    state = forgetOrder(state, "o4");
    expect(admitCheckout(state, capped("o5", T0 + 4000)).verdict.ok).toBe(true);
    // o2 lapses at T0 + 1000 + 15 min.
    const later = admitCheckout(
      admitCheckout(state, capped("o5", T0 + 4000)).state,
      capped("o6", T0 + 15 * MIN + 1001),
    );
    expect(later.verdict.ok).toBe(true);
  });

  test("limits attempts per minute, refused ones included", () => {
    const asks = Array.from({ length: 5 }, (_, i) => ask(`o${i}`, T0 + i, { attemptsPerMinute: 3, lines: [] }));
    const { verdicts } = run(EMPTY_BUYER, asks);
    expect(verdicts.map((verdict) => (verdict.ok ? "ok" : verdict.code))).toEqual([
      "ok",
      "ok",
      "ok",
      "rate_limited",
      "rate_limited",
    ]);
    expect(verdicts[3]).toEqual({ ok: false, code: "rate_limited", retryAfterMs: MIN - 3 });
  });

  test("cools down after the limit of payment failures inside the window, and forgets the failed order", () => {
    const policy = { limit: 3, windowMs: 60 * MIN, cooldownMs: 30 * MIN };
    let state = admitCheckout(EMPTY_BUYER, ask("o1", T0)).state;
    state = recordFailure(state, T0 + 1, policy, "o1").state;
    expect(state.orders).toEqual([]);
    state = recordFailure(state, T0 + 2, policy).state;
    const third = recordFailure(state, T0 + 3, policy);
    expect(third.coolUntil).toBe(T0 + 3 + 30 * MIN);
    expect(admitCheckout(third.state, ask("o2", T0 + 4)).verdict).toEqual({
      ok: false,
      code: "payment_cooldown",
      retryAfterMs: 30 * MIN - 1,
    });
    expect(admitCheckout(third.state, ask("o3", T0 + 3 + 30 * MIN)).verdict.ok).toBe(true);
  });

  test("the defaults let an honest busy buyer through", () => {
    const limits = DEFAULT_RISK_LIMITS;
    const asks = Array.from({ length: 20 }, (_, i) =>
      checkoutAsk(limits, "ip", {
        orderId: `o${i}`,
        now: T0 + i * 5_000,
        holdUntil: T0 + i * 5_000 + 15 * MIN,
        lines: [{ skuId: "sku_a", quantity: 10 }],
      }),
    );
    expect(run(EMPTY_BUYER, asks).verdicts.every((verdict) => verdict.ok)).toBe(true);
  });
});

describe("look-up gate of one partner key or IP", () => {
  const lookup = (now: number, overrides: Partial<LookupAsk> = {}): LookupAsk => ({
    now,
    failureLimit: 3,
    windowMs: 10 * MIN,
    lockoutMs: 15 * MIN,
    requestsPerMinute: 0,
    ...overrides,
  });

  const fail = (state: LookupState, at: number) => settleLookup(state, true, at).state;

  test("admits exactly the limit of failing look-ups, then locks out", () => {
    let state: LookupState = EMPTY_LOOKUPS;
    const verdicts = [];
    for (let i = 0; i < 5; i++) {
      const result = admitLookup(state, lookup(T0 + i));
      state = result.verdict.ok ? fail(result.state, T0 + i) : result.state;
      verdicts.push(result.verdict);
    }
    expect(verdicts.map((verdict) => verdict.ok)).toEqual([true, true, true, false, false]);
    expect(verdicts[3]).toEqual({ ok: false, retryAfterMs: 15 * MIN, lockedOut: true });
    expect(verdicts[4]).toEqual({ ok: false, retryAfterMs: 15 * MIN - 1, lockedOut: true });
    expect(admitLookup(state, lookup(T0 + 3 + 15 * MIN)).verdict.ok).toBe(true);
  });

  test("look-ups in flight count against the budget: of 10 parallel guesses exactly the limit get through", () => {
    let state: LookupState = EMPTY_LOOKUPS;
    const verdicts = [];
    for (let i = 0; i < 10; i++) {
      const result = admitLookup(state, lookup(T0));
      state = result.state;
      verdicts.push(result.verdict);
    }
    expect(verdicts.filter((verdict) => verdict.ok)).toHaveLength(3);
    expect(verdicts[3]).toEqual({ ok: false, retryAfterMs: 1000, lockedOut: false });
    // All three fail: the next one locks the caller out; had they been found, it would pass.
    let failed = state;
    for (let i = 0; i < 3; i++) failed = fail(failed, T0 + 1);
    expect(admitLookup(failed, lookup(T0 + 2)).verdict).toMatchObject({ ok: false, lockedOut: true });
    let found = state;
    for (let i = 0; i < 3; i++) found = settleLookup(found, false, T0 + 1).state;
    expect(admitLookup(found, lookup(T0 + 2)).verdict.ok).toBe(true);
  });

  test("successful look-ups never add up to a lockout, and write nothing", () => {
    let state: LookupState = EMPTY_LOOKUPS;
    for (let i = 0; i < 1000; i++) {
      const result = admitLookup(state, lookup(T0 + i));
      expect(result.verdict.ok).toBe(true);
      expect(result.persist).toBe(false);
      const settled = settleLookup(result.state, false, T0 + i);
      expect(settled.persist).toBe(false);
      state = settled.state;
    }
    expect(state).toMatchObject({ failures: [], inFlight: 0, lockedUntil: 0 });
  });

  test("limits calls per minute when asked, without locking out", () => {
    let state: LookupState = EMPTY_LOOKUPS;
    const oks = [];
    for (let i = 0; i < 12; i++) {
      const result = admitLookup(state, lookup(T0 + i, { requestsPerMinute: 10, failureLimit: 100 }));
      state = result.verdict.ok ? settleLookup(result.state, false, T0 + i).state : result.state;
      oks.push(result.verdict.ok);
    }
    expect(oks.filter(Boolean)).toHaveLength(10);
    expect(admitLookup(state, lookup(T0 + 20, { requestsPerMinute: 10 })).verdict).toEqual({
      ok: false,
      retryAfterMs: MIN - 20 - (T0 % MIN),
      lockedOut: false,
    });
    expect(state.lockedUntil).toBe(0);
  });
});
