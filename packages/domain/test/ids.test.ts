import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { CROCKFORD } from "../src/base32";
import { ID_PREFIXES, type IdKind, isId, newId, newIds } from "../src/ids";

const KINDS = Object.keys(ID_PREFIXES) as IdKind[];
const LAST_MS = 2 ** 48 - 1;

describe("making ids", () => {
  test.each(KINDS)("a new %s id has its prefix and a 26-symbol body", (kind) => {
    const id = newId(kind);
    expect(id).toMatch(new RegExp(`^${ID_PREFIXES[kind]}_[${CROCKFORD}]{26}$`));
    expect(isId(kind, id)).toBe(true);
  });

  test("every kind has its own prefix", () => {
    expect(new Set(Object.values(ID_PREFIXES)).size).toBe(KINDS.length);
  });

  test("an id made later sorts after an id made earlier", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LAST_MS - 1 }), fc.integer({ min: 1, max: 2 ** 40 }), (earlier, gap) => {
        const later = Math.min(LAST_MS, earlier + gap);
        expect(newId("order", earlier) < newId("order", later)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  test("ids made a millisecond apart around today sort in the order they were made", () => {
    const start = Date.UTC(2025, 0, 1);
    const made = Array.from({ length: 2_000 }, (_, i) => newId("order", start + i));
    expect([...made].sort()).toEqual(made);
  });

  test("ids made in the same millisecond are still all different", () => {
    const now = Date.now();
    const made = Array.from({ length: 10_000 }, () => newId("code", now));
    expect(new Set(made).size).toBe(made.length);
  });

  test("ids made together in one millisecond come out ascending, each distinct and well formed", () => {
    const now = Date.now();
    for (let run = 0; run < 200; run++) {
      const made = newIds("orderItem", 12, now);
      expect(made).toHaveLength(12);
      expect([...made].sort()).toEqual(made);
      expect(new Set(made).size).toBe(12);
      expect(made.every((id) => isId("orderItem", id))).toBe(true);
    }
  });

  test.each([
    ["a fraction of a millisecond", 1.5],
    ["before 1970", -1],
    ["not a number", Number.NaN],
    ["beyond 48 bits of milliseconds", 2 ** 48],
  ])("an id cannot be made at a time %s", (_, when) => {
    expect(() => newId("order", when)).toThrow(RangeError);
  });
});

describe("recognising ids", () => {
  const order = newId("order", Date.UTC(2025, 5, 1));
  const body = order.slice("ord_".length);

  test.each([
    ["an id of another kind", newId("payment")],
    ["a lower-case id", order.toLowerCase()],
    ["a lower-case body", `ord_${body.toLowerCase()}`],
    ["an id without its underscore", `ord${body}`],
    ["an id one symbol short", order.slice(0, -1)],
    ["an id one symbol long", `${order}0`],
    ["a path climbing out of the folder", "ord_../../x"],
    ["a path hidden after a valid id", `${order}/../../x`],
    ["an id with a trailing newline", `${order}\n`],
    ["an id with a leading space", ` ${order}`],
    ["an id with a letter Crockford leaves out", `ord_${body.slice(0, -1)}U`],
    ["the prefix alone", "ord_"],
    ["an empty string", ""],
  ])("%s is not an order id", (_, value) => {
    expect(isId("order", value)).toBe(false);
  });
});
