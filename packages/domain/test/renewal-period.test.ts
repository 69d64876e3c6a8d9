import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { isRenewalPlan, periodBounds, periodStart, type RenewalPlan } from "../src/renewal-period";
import { afterFailedCharge, MAX_RENEWAL_ATTEMPTS, renews } from "../src/subscription-state";
import { wallClock } from "../src/zoned-time";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const monthly: RenewalPlan = { period: "month", every: 1 };

describe("renewal periods on the calendar", () => {
  test("a month after 31 January is the last day of February, and the month after that is 31 March again", () => {
    const anchor = at("2026-01-31T09:30:00.000Z");
    expect([1, 2, 3, 13].map((n) => iso(periodStart(anchor, monthly, n, "UTC")))).toEqual([
      "2026-02-28T09:30:00.000Z",
      "2026-03-31T09:30:00.000Z",
      "2026-04-30T09:30:00.000Z",
      "2027-02-28T09:30:00.000Z",
    ]);
    expect(iso(periodStart(at("2028-01-31T00:00:00Z"), monthly, 1, "UTC"))).toBe("2028-02-29T00:00:00.000Z");
  });

  test("months are counted on the zone's calendar: 31 January 07:00 in Shanghai renews on 28 February 07:00 there", () => {
    // 2026-01-30T23:00Z is already the 31st in Shanghai: UTC's calendar would say the 30th.
    const anchor = at("2026-01-30T23:00:00Z");
    expect(iso(periodStart(anchor, monthly, 1, "Asia/Shanghai"))).toBe("2026-02-27T23:00:00.000Z");
    expect(iso(periodStart(anchor, monthly, 1, "UTC"))).toBe("2026-02-28T23:00:00.000Z");
  });

  test("quarterly and yearly plans skip whole months; the year rolls over", () => {
    const anchor = at("2026-11-15T12:00:00Z");
    expect(iso(periodStart(anchor, { period: "month", every: 3 }, 1, "UTC"))).toBe("2027-02-15T12:00:00.000Z");
    expect(iso(periodStart(anchor, { period: "month", every: 12 }, 2, "UTC"))).toBe("2028-11-15T12:00:00.000Z");
  });

  test("days and weeks keep the wall-clock hour across a daylight-saving change", () => {
    // New York springs forward on 2026-03-08: the day is 23 hours long.
    const anchor = at("2026-03-07T14:00:00Z"); // 09:00 EST
    expect(iso(periodStart(anchor, { period: "day", every: 1 }, 1, "America/New_York"))).toBe(
      "2026-03-08T13:00:00.000Z",
    );
    expect(iso(periodStart(anchor, { period: "week", every: 1 }, 1, "America/New_York"))).toBe(
      "2026-03-14T13:00:00.000Z",
    );
    expect(iso(periodStart(anchor, { period: "day", every: 1 }, 1, "UTC"))).toBe("2026-03-08T14:00:00.000Z");
  });

  test("an hour the clock skips reads an hour later; an hour lived twice reads as the first", () => {
    // 02:30 on 2026-03-08 does not exist in New York; 01:30 on 2026-11-01 happens twice.
    const skipped = at("2026-02-08T07:30:00Z"); // 02:30 EST
    expect(iso(periodStart(skipped, { period: "month", every: 1 }, 1, "America/New_York"))).toBe(
      "2026-03-08T07:30:00.000Z",
    );
    const twice = at("2026-10-01T05:30:00Z"); // 01:30 EDT
    expect(iso(periodStart(twice, { period: "month", every: 1 }, 1, "America/New_York"))).toBe(
      "2026-11-01T05:30:00.000Z",
    );
  });

  test("a period ends where the next begins", () => {
    const anchor = at("2026-05-31T00:00:00Z");
    expect(periodBounds(anchor, monthly, 0, "UTC")).toEqual({
      start: anchor,
      end: at("2026-06-30T00:00:00Z"),
    });
    expect(() => periodStart(anchor, monthly, -1, "UTC")).toThrow(RangeError);
  });

  test("property: periods follow one another, and a monthly one keeps the anchor's day where the month has it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at("2000-01-01T00:00:00Z"), max: at("2090-01-01T00:00:00Z") }),
        fc.constantFrom(...(["day", "week", "month"] as const)),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom("UTC", "Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe"),
        (anchor, period, every, index, zone) => {
          const plan = { period, every };
          const { start, end } = periodBounds(anchor, plan, index, zone);
          expect(end).toBeGreaterThan(start);
          const first = wallClock(anchor, zone);
          const seen = wallClock(start, zone);
          if (period === "month") {
            const months = first.month - 1 + index * every;
            const lastDay = new Date(Date.UTC(first.year + Math.floor(months / 12), (months % 12) + 1, 0)).getUTCDate();
            expect(seen.day).toBe(Math.min(first.day, lastDay));
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  test("a plan is a day, week or month period, every 1 to 12 of them", () => {
    expect(isRenewalPlan({ period: "month", every: 1 })).toBe(true);
    expect(isRenewalPlan({ period: "year", every: 1 })).toBe(false);
    expect(isRenewalPlan({ period: "week", every: 0 })).toBe(false);
    expect(isRenewalPlan({ period: "day", every: 13 })).toBe(false);
    expect(isRenewalPlan({ period: "day", every: 1.5 })).toBe(false);
  });
});

describe("retrying a failed renewal charge", () => {
  test("retries after 1 hour, 1 day and 3 days, then lapses", () => {
    const failedAt = at("2026-06-01T00:00:00Z");
    expect([1, 2, 3, 4].map((attempt) => afterFailedCharge(attempt, failedAt))).toEqual([
      { next: "retry", retryAt: failedAt + 3_600_000 },
      { next: "retry", retryAt: failedAt + 86_400_000 },
      { next: "retry", retryAt: failedAt + 3 * 86_400_000 },
      { next: "lapse" },
    ]);
    expect(MAX_RENEWAL_ATTEMPTS).toBe(4);
  });

  test("only active and past-due subscriptions renew", () => {
    expect(["active", "past_due", "canceled", "lapsed"].filter((s) => renews(s as never))).toEqual([
      "active",
      "past_due",
    ]);
  });
});
