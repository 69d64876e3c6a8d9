import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { add, CurrencyMismatchError, money, multiply, sum } from "../src/money";

describe("amounts", () => {
  test("an amount is a whole number of minor units with its currency", () => {
    expect(money(1999, "CNY")).toEqual({ amount: 1999, currency: "CNY" });
  });

  test.each([
    ["a fraction of a cent", 19.99],
    ["not a number", Number.NaN],
    ["infinity", Number.POSITIVE_INFINITY],
    ["beyond safe integers", 2 ** 53],
  ])("an amount that is %s is refused", (_, amount) => {
    expect(() => money(amount, "USD")).toThrow(RangeError);
  });
});

describe("adding", () => {
  test("two prices in one currency add up to their total", () => {
    expect(add(money(1999, "CNY"), money(1, "CNY"))).toEqual(money(2000, "CNY"));
  });

  test("yuan cannot be added to dollars", () => {
    expect(() => add(money(100, "CNY"), money(100, "USD"))).toThrow(CurrencyMismatchError);
  });

  test("a total too large to count exactly is refused", () => {
    expect(() => add(money(Number.MAX_SAFE_INTEGER, "JPY"), money(1, "JPY"))).toThrow(RangeError);
  });

  test("a cart sums to the sum of its lines", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 50 }),
        (amounts) => {
          const expected = amounts.reduce((total, amount) => total + amount, 0);
          expect(sum(amounts.map((amount) => money(amount, "EUR")))).toEqual(money(expected, "EUR"));
        },
      ),
    );
  });

  test("a cart mixing currencies cannot be summed", () => {
    expect(() => sum([money(100, "CNY"), money(200, "CNY"), money(300, "HKD")])).toThrow(CurrencyMismatchError);
  });

  test("an empty cart has no total", () => {
    expect(() => sum([])).toThrow(RangeError);
  });
});

describe("multiplying", () => {
  test("three of a 19.99 item cost 59.97", () => {
    expect(multiply(money(1999, "USD"), 3)).toEqual(money(5997, "USD"));
  });

  test("a price cannot be multiplied by a fraction, even when the result would be whole", () => {
    expect(() => multiply(money(2000, "USD"), 1.5)).toThrow(RangeError);
  });

  test("a product too large to count exactly is refused", () => {
    expect(() => multiply(money(2 ** 52, "GBP"), 4)).toThrow(RangeError);
  });
});
