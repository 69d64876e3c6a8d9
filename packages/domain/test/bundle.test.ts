import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { allocate, allocateBundle, type ComponentCandidate, checkComposition } from "../src/bundle";

const amount = fc.integer({ min: 0, max: 100_000_000_000 });
const weights = fc.array(fc.integer({ min: 0, max: 10_000_000_000_000 }), { minLength: 1, maxLength: 10 });

/** |share × Σw − total × w| < Σw, in exact arithmetic. */
function withinOneUnit(total: number, ws: number[], shares: number[]): boolean {
  const effective = ws.every((w) => w === 0) ? ws.map(() => 1) : ws;
  const sum = effective.reduce((acc, w) => acc + BigInt(w), 0n);
  return shares.every((share, i) => {
    const gap = BigInt(share) * sum - BigInt(total) * BigInt(effective[i] ?? 0);
    return (gap < 0n ? -gap : gap) < sum;
  });
}

describe("sharing a bundle's price over its components", () => {
  test("a video and a music membership share 30.00 in proportion to their list prices", () => {
    // 25.00 and 15.00 listed; the bundle sells for 30.00.
    expect(
      allocateBundle(3000, [
        { listAmount: 2500, quantity: 1 },
        { listAmount: 1500, quantity: 1 },
      ]),
    ).toEqual([1875, 1125]);
  });

  test("units left over by rounding go to the largest remainders, the earlier component on a tie", () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(200, [1, 1, 1])).toEqual([67, 67, 66]);
    expect(allocate(10, [1, 2])).toEqual([3, 7]);
    expect(allocate(1, [5, 5])).toEqual([1, 0]);
  });

  test("free components share the price equally; a free component beside priced ones gets nothing", () => {
    expect(allocate(1000, [0, 0, 0, 0])).toEqual([250, 250, 250, 250]);
    expect(allocate(1000, [0, 300])).toEqual([0, 1000]);
    expect(allocate(0, [3, 5])).toEqual([0, 0]);
  });

  test("counts exactly where price × weight passes 2^53", () => {
    const shares = allocate(99_999_999_999, [9_999_999_999_999, 1, 7_777_777_777_777]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(99_999_999_999);
    expect(shares).toEqual([56_249_999_999, 0, 43_750_000_000]);
  });

  test.each([
    ["a fractional total", () => allocate(10.5, [1])],
    ["a negative total", () => allocate(-1, [1])],
    ["no weights", () => allocate(10, [])],
    ["a negative weight", () => allocate(10, [1, -1])],
    ["a fractional weight", () => allocate(10, [1.5])],
  ])("refuses %s", (_, run) => {
    expect(run).toThrow(RangeError);
  });

  test("property: the shares always add up to the total, exactly", () => {
    fc.assert(
      fc.property(amount, weights, (total, ws) => {
        const shares = allocate(total, ws);
        expect(shares).toHaveLength(ws.length);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(shares.every((share) => Number.isSafeInteger(share) && share >= 0)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  test("property: each share is within one minor unit of its exact proportional amount", () => {
    fc.assert(
      fc.property(amount, weights, (total, ws) => withinOneUnit(total, ws, allocate(total, ws))),
      { numRuns: 2_000 },
    );
  });

  test("property: a larger weight never gets a smaller share; a zero weight beside others gets nothing", () => {
    fc.assert(
      fc.property(amount, weights, (total, ws) => {
        const shares = allocate(total, ws);
        const anyWeight = ws.some((w) => w > 0);
        for (const [i, wi] of ws.entries()) {
          if (anyWeight && wi === 0) expect(shares[i]).toBe(0);
          for (const [j, wj] of ws.entries()) if (wi > wj) expect(shares[i]).toBeGreaterThanOrEqual(shares[j] ?? 0);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  test("property: scaling every weight by the same factor changes no share", () => {
    fc.assert(
      fc.property(
        amount,
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 2, max: 1000 }),
        (total, ws, k) => {
          expect(
            allocate(
              total,
              ws.map((w) => w * k),
            ),
          ).toEqual(allocate(total, ws));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  test("property: refunding components one by one gives back exactly the line's price, whatever the order", () => {
    fc.assert(
      fc.property(amount, weights, fc.func(fc.integer()), (total, ws, rank) => {
        const shares = allocate(total, ws);
        const order = shares.map((_, i) => i).sort((a, b) => rank(a) - rank(b) || a - b);
        let refunded = 0;
        for (const i of order) refunded += shares[i] ?? 0;
        expect(refunded).toBe(total);
      }),
      { numRuns: 500 },
    );
  });
});

describe("what may go into a bundle", () => {
  const part = (over: Partial<ComponentCandidate> = {}): ComponentCandidate => ({
    skuId: "sku_a",
    quantity: 1,
    kind: "voucher",
    currency: "CNY",
    renews: false,
    ...over,
  });
  const bundle = { skuId: "sku_bundle", currency: "CNY" as const };

  test("card secrets, vouchers and top-ups of the bundle's currency may", () => {
    expect(
      checkComposition(bundle, [
        part({ skuId: "sku_a", kind: "card_secret", quantity: 2 }),
        part({ skuId: "sku_b", kind: "voucher" }),
        part({ skuId: "sku_c", kind: "direct_recharge" }),
      ]),
    ).toEqual([]);
  });

  test("refuses an empty bundle, too many components, repeats, itself, bundles, subscriptions, other currencies and bad quantities", () => {
    expect(checkComposition(bundle, [])).toEqual([{ path: "components", message: "between 1 and 10 components" }]);
    expect(
      checkComposition(
        bundle,
        Array.from({ length: 11 }, (_, i) => part({ skuId: `sku_${i}` })),
      ).map((e) => e.path),
    ).toEqual(["components"]);
    expect(
      checkComposition(bundle, [
        part({ skuId: "sku_a" }),
        part({ skuId: "sku_a" }),
        part({ skuId: "sku_bundle" }),
        part({ skuId: "sku_b", kind: "bundle" }),
        part({ skuId: "sku_c", renews: true }),
        part({ skuId: "sku_d", currency: "USD" }),
        part({ skuId: "sku_e", quantity: 0 }),
        part({ skuId: "sku_f", quantity: 101 }),
      ]).map((e) => e.path),
    ).toEqual([
      "components.1.skuId",
      "components.2.skuId",
      "components.3.skuId",
      "components.4.skuId",
      "components.5.skuId",
      "components.6.quantity",
      "components.7.quantity",
    ]);
  });
});
