import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  afterActivation,
  afterDeactivation,
  afterUse,
  afterUseReversed,
  checkTerms,
  formOfKind,
  initialState,
  isWithinAllowedTime,
  type LedgerState,
  nextUseAt,
  refuseActivation,
  refuseUse,
  statusOfCode,
  type TimeTerms,
  validUntil,
  weekdayAt,
} from "../src/code-forms";
import type { CodePolicy } from "../src/code-policy";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// A Monday, 00:00 in Shanghai (16:00 UTC the day before).
const MONDAY = Date.parse("2026-03-09T00:00:00+08:00");

const storedValue = (balance: number, validDays: number | null = null): CodePolicy => ({
  uses: 1,
  validDays,
  terms: { form: "balance", balance },
});
const countCard = (uses: number, minIntervalSeconds: number | null): CodePolicy => ({
  uses,
  validDays: null,
  terms: { form: "uses", minIntervalSeconds },
});
const licence = (seats: number): CodePolicy => ({ uses: 1, validDays: null, terms: { form: "seats", seats } });
const timeTerms = (overrides: Partial<TimeTerms> = {}): TimeTerms => ({
  form: "time",
  durationSeconds: 7 * 86_400,
  start: "activation",
  weekdays: null,
  hours: null,
  timeZone: "Asia/Shanghai",
  ...overrides,
});
const timeCard = (overrides: Partial<TimeTerms> = {}, validDays: number | null = null): CodePolicy => ({
  uses: 1,
  validDays,
  terms: timeTerms(overrides),
});

describe("forms by product kind", () => {
  test("each minted kind has its form and the others have none", () => {
    expect(formOfKind("voucher")).toBe("uses");
    expect(formOfKind("stored_value")).toBe("balance");
    expect(formOfKind("time_card")).toBe("time");
    expect(formOfKind("licence")).toBe("seats");
    expect(formOfKind("card_secret")).toBeNull();
    expect(formOfKind("bundle")).toBeNull();
  });

  test("a plain uses/validDays policy (codes armed before forms existed) is a voucher", () => {
    const state = initialState({ uses: 3, validDays: 2 }, MONDAY);
    expect(state).toMatchObject({ usesTotal: 3, usesRemaining: 3, expiresAt: MONDAY + 2 * DAY, balanceTotal: 0 });
    expect(refuseUse({ uses: 3, validDays: 2 }, state, MONDAY)).toBeNull();
    expect(refuseUse({ uses: 3, validDays: 2 }, state, MONDAY + 2 * DAY)).toBe("code_expired");
  });

  test.each([
    ["stored_value", null, "policy.terms"],
    ["time_card", null, "policy.terms"],
    ["licence", null, "policy.terms"],
    ["licence", { form: "balance", balance: 100 }, "policy.terms.form"],
    ["card_secret", { form: "seats", seats: 3 }, "policy.terms.form"],
    ["voucher", { form: "seats", seats: 3 }, "policy.terms.form"],
    ["time_card", timeTerms({ hours: { from: "09:00", to: "09:00" } }), "policy.terms.hours"],
    ["time_card", timeTerms({ weekdays: [1, 1] }), "policy.terms.weekdays"],
  ] as const)("a %s SKU with terms %j is refused at %s", (kind, terms, path) => {
    expect(checkTerms(kind, terms)?.path).toBe(path);
  });

  test.each([
    ["voucher", null],
    ["voucher", { form: "uses", minIntervalSeconds: 60 }],
    ["stored_value", { form: "balance", balance: 10_000 }],
    ["time_card", timeTerms({ hours: { from: "22:00", to: "02:00" } })],
    ["licence", { form: "seats", seats: 3 }],
    ["card_secret", null],
  ] as const)("a %s SKU with terms %j is accepted", (kind, terms) => {
    expect(checkTerms(kind, terms)).toBeNull();
  });
});

describe("stored value", () => {
  test("a partial redemption spends its amount; the exact balance may be spent, a minor unit more may not", () => {
    const policy = storedValue(5_000);
    let state = initialState(policy, MONDAY);
    expect(refuseUse(policy, state, MONDAY, 1_999)).toBeNull();
    state = afterUse(policy, state, MONDAY, 1_999);
    expect(state.balanceRemaining).toBe(3_001);
    expect(refuseUse(policy, state, MONDAY, 3_002)).toBe("insufficient_balance");
    expect(refuseUse(policy, state, MONDAY, 3_001)).toBeNull();
    state = afterUse(policy, state, MONDAY, 3_001);
    expect(statusOfCode(policy, state, MONDAY)).toBe("redeemed");
    expect(refuseUse(policy, state, MONDAY, 1)).toBe("insufficient_balance");
    state = afterUseReversed(policy, state, 3_001, MONDAY);
    expect(state.balanceRemaining).toBe(3_001);
    expect(statusOfCode(policy, state, MONDAY)).toBe("active");
  });

  test("stored value needs an amount and other forms refuse one", () => {
    expect(refuseUse(storedValue(100), initialState(storedValue(100), MONDAY), MONDAY)).toBe("amount_required");
    expect(refuseUse(countCard(2, null), initialState(countCard(2, null), MONDAY), MONDAY, 5)).toBe(
      "amount_not_applicable",
    );
  });

  test("voided and expired stored value refuse even an affordable amount", () => {
    const policy = storedValue(100, 1);
    const state = initialState(policy, MONDAY);
    expect(refuseUse(policy, { ...state, voidedAt: MONDAY }, MONDAY, 1)).toBe("code_voided");
    expect(refuseUse(policy, state, MONDAY + DAY, 1)).toBe("code_expired");
  });

  test("no mix of partial redemptions and reversals spends more than the balance or gives more back", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("spend" as const), amount: fc.integer({ min: 1, max: 4_000 }) }),
      fc.record({ kind: fc.constant("reverse" as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.array(op, { maxLength: 80 }), (balance, ops) => {
        const policy = storedValue(balance);
        let state = initialState(policy, MONDAY);
        const standing: number[] = [];
        for (const step of ops) {
          if (step.kind === "spend") {
            const refusal = refuseUse(policy, state, MONDAY, step.amount);
            const spent = standing.reduce((sum, amount) => sum + amount, 0);
            expect(refusal === "insufficient_balance").toBe(spent + step.amount > balance);
            if (refusal === null) {
              state = afterUse(policy, state, MONDAY, step.amount);
              standing.push(step.amount);
            }
          } else if (standing.length > 0) {
            const [amount] = standing.splice(step.pick % standing.length, 1);
            state = afterUseReversed(policy, state, amount ?? 0, MONDAY);
          }
          const spent = standing.reduce((sum, amount) => sum + amount, 0);
          expect(state.balanceRemaining).toBe(balance - spent);
          expect(state.balanceRemaining).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("count cards with a minimum interval", () => {
  test("a use within the interval is too soon, at the interval it is allowed", () => {
    const policy = countCard(10, 3_600);
    const state = afterUse(policy, initialState(policy, MONDAY), MONDAY, null);
    expect(refuseUse(policy, state, MONDAY + HOUR - 1)).toBe("code_too_soon");
    expect(nextUseAt(policy, state)).toBe(MONDAY + HOUR);
    expect(refuseUse(policy, state, MONDAY + HOUR)).toBeNull();
  });

  test("reversing the latest use lets the card be used again at once, from the use still standing", () => {
    const policy = countCard(10, 3_600);
    const once = afterUse(policy, initialState(policy, MONDAY), MONDAY, null);
    const twice = afterUse(policy, once, MONDAY + HOUR, null);
    const reversed = afterUseReversed(policy, twice, null, MONDAY);
    expect(reversed.usesRemaining).toBe(9);
    expect(refuseUse(policy, reversed, MONDAY + HOUR + 1)).toBeNull();
  });

  test("accepted uses are never more than N and never closer than the interval", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 7_200 }),
        fc.array(fc.integer({ min: 0, max: 3 * 3_600_000 }), { maxLength: 40 }),
        (uses, interval, waits) => {
          const policy = countCard(uses, interval);
          let state = initialState(policy, MONDAY);
          let now = MONDAY;
          const accepted: number[] = [];
          for (const wait of waits) {
            now += wait;
            if (refuseUse(policy, state, now) === null) {
              state = afterUse(policy, state, now, null);
              accepted.push(now);
            }
          }
          expect(accepted.length).toBeLessThanOrEqual(uses);
          for (let i = 1; i < accepted.length; i++) {
            expect((accepted[i] as number) - (accepted[i - 1] as number)).toBeGreaterThanOrEqual(interval * 1000);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("time cards", () => {
  test("counted from activation: open until the first use, then for its duration, the end excluded", () => {
    const policy = timeCard({ durationSeconds: 2 * 3_600 });
    let state = initialState(policy, MONDAY);
    expect(validUntil(policy, state)).toBeNull();
    // Bought on Monday, first used on Thursday: its two hours start then.
    const first = MONDAY + 3 * DAY;
    expect(refuseUse(policy, state, first)).toBeNull();
    state = afterUse(policy, state, first, null);
    expect(state.activatedAt).toBe(first);
    expect(validUntil(policy, state)).toBe(first + 2 * HOUR);
    expect(refuseUse(policy, state, first + 2 * HOUR - 1)).toBeNull();
    expect(refuseUse(policy, state, first + 2 * HOUR)).toBe("code_expired");
    // A later use does not move the activation.
    expect(afterUse(policy, state, first + HOUR, null).activatedAt).toBe(first);
  });

  test("counted from purchase: the window runs from issuance whether used or not", () => {
    const policy = timeCard({ start: "purchase", durationSeconds: 86_400 });
    const state = initialState(policy, MONDAY);
    expect(validUntil(policy, state)).toBe(MONDAY + DAY);
    expect(statusOfCode(policy, state, MONDAY + DAY - 1)).toBe("active");
    expect(refuseUse(policy, state, MONDAY + DAY)).toBe("code_expired");
  });

  test("validDays still bounds a card not yet activated", () => {
    const policy = timeCard({ durationSeconds: 30 * 86_400 }, 10);
    const state = initialState(policy, MONDAY);
    expect(refuseUse(policy, state, MONDAY + 10 * DAY)).toBe("code_expired");
    const used = afterUse(policy, state, MONDAY + 9 * DAY, null);
    expect(validUntil(policy, used)).toBe(MONDAY + 10 * DAY);
  });

  test("weekdays and hours are read on the merchant's clock, the start minute in and the end minute out", () => {
    const terms = timeTerms({ weekdays: [1, 2, 3, 4, 5], hours: { from: "09:00", to: "18:00" } });
    expect(weekdayAt(MONDAY, "Asia/Shanghai")).toBe(1);
    expect(weekdayAt(MONDAY, "UTC")).toBe(7);
    expect(isWithinAllowedTime(terms, MONDAY + 9 * HOUR - 60_000)).toBe(false);
    expect(isWithinAllowedTime(terms, MONDAY + 9 * HOUR)).toBe(true);
    expect(isWithinAllowedTime(terms, MONDAY + 18 * HOUR - 1)).toBe(true);
    expect(isWithinAllowedTime(terms, MONDAY + 18 * HOUR)).toBe(false);
    // Saturday at noon is a weekend day.
    expect(isWithinAllowedTime(terms, MONDAY + 5 * DAY + 12 * HOUR)).toBe(false);
    const policy: CodePolicy = { uses: 1, validDays: null, terms };
    expect(refuseUse(policy, initialState(policy, MONDAY), MONDAY + 8 * HOUR)).toBe("outside_allowed_hours");
  });

  test("a window past midnight admits late evening and early morning of the allowed day", () => {
    const terms = timeTerms({ weekdays: [5], hours: { from: "22:00", to: "02:00" } });
    const friday = MONDAY + 4 * DAY;
    expect(isWithinAllowedTime(terms, friday + 23 * HOUR)).toBe(true);
    expect(isWithinAllowedTime(terms, friday + HOUR)).toBe(true);
    expect(isWithinAllowedTime(terms, friday + 2 * HOUR)).toBe(false);
    expect(isWithinAllowedTime(terms, friday + 12 * HOUR)).toBe(false);
    // Saturday 01:00 is Saturday on the clock: not allowed.
    expect(isWithinAllowedTime(terms, friday + DAY + HOUR)).toBe(false);
  });

  test("a refused use outside the hours does not activate the card", () => {
    const policy = timeCard({ hours: { from: "09:00", to: "10:00" } });
    const state = initialState(policy, MONDAY);
    expect(refuseUse(policy, state, MONDAY + 11 * HOUR)).toBe("outside_allowed_hours");
    expect(validUntil(policy, state)).toBeNull();
  });
});

describe("licences", () => {
  test("a 3-seat licence takes three devices and refuses a fourth until one is freed", () => {
    const policy = licence(3);
    let state: LedgerState = initialState(policy, MONDAY);
    for (let i = 0; i < 3; i++) {
      expect(refuseActivation(policy, state, MONDAY, false)).toBeNull();
      state = afterActivation(state);
    }
    expect(refuseActivation(policy, state, MONDAY, false)).toBe("seats_full");
    expect(refuseActivation(policy, state, MONDAY, true)).toBeNull();
    state = afterDeactivation(state);
    expect(refuseActivation(policy, state, MONDAY, false)).toBeNull();
  });

  test("a licence is activated, not redeemed, and other forms cannot be activated", () => {
    expect(refuseUse(licence(1), initialState(licence(1), MONDAY), MONDAY)).toBe("code_form_mismatch");
    expect(refuseActivation(countCard(2, null), initialState(countCard(2, null), MONDAY), MONDAY, false)).toBe(
      "code_form_mismatch",
    );
    const voided = { ...initialState(licence(1), MONDAY), voidedAt: MONDAY };
    expect(refuseActivation(licence(1), voided, MONDAY, true)).toBe("code_voided");
  });

  test("no mix of activations and deactivations holds more devices than seats", () => {
    const op = fc.record({ activate: fc.boolean(), device: fc.integer({ min: 0, max: 9 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 80 }), (seats, ops) => {
        const policy = licence(seats);
        let state = initialState(policy, MONDAY);
        const holding = new Set<number>();
        for (const step of ops) {
          const holds = holding.has(step.device);
          if (step.activate) {
            const refusal = refuseActivation(policy, state, MONDAY, holds);
            expect(refusal === "seats_full").toBe(!holds && holding.size >= seats);
            if (refusal === null && !holds) {
              state = afterActivation(state);
              holding.add(step.device);
            }
          } else if (holds) {
            state = afterDeactivation(state);
            holding.delete(step.device);
          }
          expect(state.seatsUsed).toBe(holding.size);
          expect(state.seatsUsed).toBeLessThanOrEqual(seats);
        }
      }),
      { numRuns: 400 },
    );
  });
});
