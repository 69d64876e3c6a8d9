import { offsetAt, wallClock } from "./zoned-time";

/**
 * How often a subscription (周期购) renews: every `every` days, weeks or months. Periods are
 * counted on the wall clock of a time zone, so a monthly plan bought on 31 January at 09:00
 * in Shanghai renews on 28 (or 29) February at 09:00 there, then on 31 March, and a daily one
 * keeps its hour across a daylight-saving change.
 */
export const RENEWAL_PERIODS = ["day", "week", "month"] as const;
export type RenewalPeriod = (typeof RENEWAL_PERIODS)[number];

export interface RenewalPlan {
  period: RenewalPeriod;
  /** Periods per renewal: `{ period: "month", every: 3 }` renews quarterly. */
  every: number;
}

export const MAX_RENEWAL_EVERY = 12;

export function isRenewalPlan(value: { period: string; every: number }): value is RenewalPlan {
  return (
    (RENEWAL_PERIODS as readonly string[]).includes(value.period) &&
    Number.isSafeInteger(value.every) &&
    value.every >= 1 &&
    value.every <= MAX_RENEWAL_EVERY
  );
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The instant a wall-clock time names in a zone. An hour skipped by a daylight-saving change
 * reads with the offset before it (02:30 becomes 03:30, as Temporal's "compatible" does); an
 * hour lived twice reads as its first occurrence.
 */
function instantOf(
  wall: { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number },
  timeZone: string,
): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.ms);
  const before = offsetAt(asUtc - 86_400_000, timeZone);
  const after = offsetAt(asUtc + 86_400_000, timeZone);
  const matches = [asUtc - before, asUtc - after].filter((instant) => {
    const seen = wallClock(instant, timeZone);
    return (
      seen.day === wall.day && seen.hour === wall.hour && seen.minute === wall.minute && seen.second === wall.second
    );
  });
  return matches.length > 0 ? Math.min(...matches) : asUtc - before;
}

/**
 * The start of period `index` of a plan anchored at `anchor` (period 0 starts at the anchor).
 * Each start is counted from the anchor, never from the previous period, so clamping a short
 * month never shifts the months after it.
 */
export function periodStart(anchor: number, plan: RenewalPlan, index: number, timeZone: string): number {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError("period index must be a whole number ≥ 0");
  if (index === 0) return anchor;
  const clock = wallClock(anchor, timeZone);
  const ms = ((anchor % 1000) + 1000) % 1000;
  const steps = index * plan.every;
  if (plan.period === "month") {
    const months = clock.month - 1 + steps;
    const year = clock.year + Math.floor(months / 12);
    const month = (months % 12) + 1;
    const day = Math.min(clock.day, daysInMonth(year, month));
    return instantOf({ ...clock, year, month, day, ms }, timeZone);
  }
  const days = plan.period === "week" ? steps * 7 : steps;
  const date = new Date(Date.UTC(clock.year, clock.month - 1, clock.day + days));
  return instantOf(
    { ...clock, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), ms },
    timeZone,
  );
}

/** Period `index` as `[start, end)`: the end is where the next period starts. */
export function periodBounds(
  anchor: number,
  plan: RenewalPlan,
  index: number,
  timeZone: string,
): { start: number; end: number } {
  return { start: periodStart(anchor, plan, index, timeZone), end: periodStart(anchor, plan, index + 1, timeZone) };
}
