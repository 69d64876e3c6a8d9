import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  afterRedemption,
  afterReversal,
  type CodeState,
  DEFAULT_POLICY,
  expiryOf,
  refuseRedemption,
  statusOf,
} from "../src/code-policy";

const DAY = 86_400_000;
const ISSUED = Date.UTC(2025, 0, 1);

function state(overrides: Partial<CodeState> = {}): CodeState {
  return { usesTotal: 1, usesRemaining: 1, expiresAt: null, voidedAt: null, ...overrides };
}

describe("expiry", () => {
  test("a code valid for 30 days expires 30 days after it was issued", () => {
    expect(expiryOf({ uses: 1, validDays: 30 }, ISSUED)).toBe(ISSUED + 30 * DAY);
  });

  test("a code without validity days never expires", () => {
    expect(expiryOf({ uses: 5, validDays: null }, ISSUED)).toBeNull();
  });

  test("the default code is single use and never expires", () => {
    expect(DEFAULT_POLICY).toEqual({ uses: 1, validDays: null });
  });

  test("a code is still active the millisecond before its expiry and expired at that very millisecond", () => {
    const expiring = state({ expiresAt: ISSUED + DAY });
    expect(statusOf(expiring, ISSUED + DAY - 1)).toBe("active");
    expect(statusOf(expiring, ISSUED + DAY)).toBe("expired");
  });
});

describe("what a holder sees", () => {
  const later = ISSUED + 2 * DAY;
  test.each([
    ["voided, used up and expired", state({ voidedAt: ISSUED, usesRemaining: 0, expiresAt: ISSUED }), "voided"],
    ["voided with uses left", state({ voidedAt: ISSUED }), "voided"],
    ["used up and expired", state({ usesRemaining: 0, expiresAt: ISSUED }), "redeemed"],
    ["expired with uses left", state({ expiresAt: ISSUED }), "expired"],
    ["unused and within its validity", state({ expiresAt: later + 1 }), "active"],
    ["a count card with some uses left", state({ usesTotal: 10, usesRemaining: 3 }), "active"],
  ])("a code %s shows as %s", (_, code, status) => {
    expect(statusOf(code, later)).toBe(status);
  });
});

describe("redeeming and reversing", () => {
  const now = ISSUED + DAY;
  test.each([
    ["voided", state({ voidedAt: ISSUED }), "code_voided"],
    ["used up", state({ usesRemaining: 0 }), "code_already_redeemed"],
    ["expired", state({ expiresAt: now }), "code_expired"],
    ["active", state(), null],
  ])("a code that is %s is refused with %s", (_, code, refusal) => {
    expect(refuseRedemption(code, now)).toBe(refusal);
  });

  test("a redemption takes one use", () => {
    expect(afterRedemption(state({ usesTotal: 10, usesRemaining: 4 })).usesRemaining).toBe(3);
  });

  test("a reversal gives one use back", () => {
    expect(afterReversal(state({ usesTotal: 10, usesRemaining: 3 })).usesRemaining).toBe(4);
  });

  test("a reversal never gives back more uses than the policy granted", () => {
    expect(afterReversal(state({ usesTotal: 3, usesRemaining: 3 })).usesRemaining).toBe(3);
  });

  test("no mix of redemptions, reversals, voids and waiting lets a code be used more than its policy allows", () => {
    const operation = fc.oneof(
      fc.constant({ kind: "redeem" as const }),
      fc.constant({ kind: "reverse" as const }),
      fc.constant({ kind: "void" as const }),
      fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 3 * DAY }) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.option(fc.integer({ min: 0, max: 10 })),
        fc.array(operation, { maxLength: 60 }),
        (uses, validDays, operations) => {
          let code = state({ usesTotal: uses, usesRemaining: uses, expiresAt: expiryOf({ uses, validDays }, ISSUED) });
          let now = ISSUED;
          // Redemptions taken and not yet reversed: what the ledger has actually handed out.
          let outstanding = 0;
          for (const op of operations) {
            if (op.kind === "wait") now += op.ms;
            if (op.kind === "void") code = { ...code, voidedAt: code.voidedAt ?? now };
            if (op.kind === "redeem" && refuseRedemption(code, now) === null) {
              expect(code.voidedAt).toBeNull();
              expect(code.expiresAt === null || now < code.expiresAt).toBe(true);
              code = afterRedemption(code);
              outstanding++;
            }
            if (op.kind === "reverse") {
              // A stray reversal with nothing to reverse must not mint a use either.
              code = afterReversal(code);
              outstanding = Math.max(0, outstanding - 1);
            }
            expect(code.usesRemaining).toBeGreaterThanOrEqual(0);
            expect(code.usesRemaining).toBeLessThanOrEqual(code.usesTotal);
            expect(outstanding).toBeLessThanOrEqual(code.usesTotal);
            expect(code.usesRemaining + outstanding).toBe(code.usesTotal);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
