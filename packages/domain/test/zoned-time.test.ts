import { describe, expect, test } from "vitest";
import { addDays, isDate, isTimeZone, localDate, startOfDay, weekStart } from "../src/zoned-time";

describe("calendar days in a time zone", () => {
  test("knows IANA zones and refuses anything else", () => {
    expect(isTimeZone("Asia/Shanghai")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });

  test("a day begins at local midnight", () => {
    expect(new Date(startOfDay("2026-03-10", "Asia/Shanghai")).toISOString()).toBe("2026-03-09T16:00:00.000Z");
    expect(new Date(startOfDay("2026-03-10", "UTC")).toISOString()).toBe("2026-03-10T00:00:00.000Z");
    expect(new Date(startOfDay("2026-03-10", "Asia/Kathmandu")).toISOString()).toBe("2026-03-09T18:15:00.000Z");
  });

  test("days around a DST change begin at their own midnight", () => {
    // New York springs forward on 2026-03-08 at 02:00 and falls back on 2026-11-01.
    expect(new Date(startOfDay("2026-03-08", "America/New_York")).toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(new Date(startOfDay("2026-03-09", "America/New_York")).toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(new Date(startOfDay("2026-11-02", "America/New_York")).toISOString()).toBe("2026-11-02T05:00:00.000Z");
  });

  test("reads the local date of an instant", () => {
    const instant = Date.parse("2026-03-09T17:00:00Z");
    expect(localDate(instant, "Asia/Shanghai")).toBe("2026-03-10");
    expect(localDate(instant, "America/Los_Angeles")).toBe("2026-03-09");
  });

  test("does date arithmetic across months and years, and finds the ISO week's Monday", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(weekStart("2026-03-15")).toBe("2026-03-09");
    expect(weekStart("2026-03-09")).toBe("2026-03-09");
    expect(isDate("2026-02-29")).toBe(false);
    expect(isDate("2028-02-29")).toBe(true);
    expect(isDate("2026-1-1")).toBe(false);
  });
});
