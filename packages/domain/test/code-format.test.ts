import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { CROCKFORD } from "../src/base32";
import {
  CODE_DATA_SYMBOLS,
  CODE_LENGTH,
  formatCode,
  generateVoucherCode,
  isWellFormedCode,
  maskCode,
  normalizeCardSecret,
  normalizeCode,
} from "../src/code-format";

const DRAWS = Array.from({ length: 10_000 }, () => generateVoucherCode());
const CANONICAL = DRAWS.map((code) => code.replaceAll("-", ""));
const SYMBOL = `[${CROCKFORD}]`;

const fullWidth = (ascii: string) => String.fromCharCode(ascii.charCodeAt(0) + 0xfee0);

function substitute(code: string, position: number, symbol: string): string {
  return code.slice(0, position) + symbol + code.slice(position + 1);
}

function swapNeighbours(code: string, position: number): string {
  return code.slice(0, position) + code.charAt(position + 1) + code.charAt(position) + code.slice(position + 2);
}

describe("minting a voucher code", () => {
  test("a new code reads as five groups of four Crockford symbols", () => {
    const shape = new RegExp(`^${SYMBOL}{4}(-${SYMBOL}{4}){4}$`);
    for (const code of DRAWS) expect(code).toMatch(shape);
  });

  test("a new code carries at least 80 bits of chance, spread over all its data symbols", () => {
    expect(CODE_DATA_SYMBOLS * Math.log2(CROCKFORD.length)).toBeGreaterThanOrEqual(80);
    // 10,000 draws give each symbol ~312 appearances per position; a stuck or biased position falls far outside.
    for (let position = 0; position < CODE_DATA_SYMBOLS; position++) {
      const counts = new Map<string, number>();
      for (const code of CANONICAL) counts.set(code.charAt(position), (counts.get(code.charAt(position)) ?? 0) + 1);
      expect(counts.size, `symbols seen at position ${position}`).toBe(32);
      for (const count of counts.values()) expect(count).toBeGreaterThan(200);
    }
  });

  test("ten thousand new codes are all different", () => {
    expect(new Set(DRAWS).size).toBe(DRAWS.length);
  });

  test("every new code passes its own check once normalized", () => {
    for (const code of DRAWS) expect(isWellFormedCode(normalizeCode(code) ?? "")).toBe(true);
  });

  test("formatting a normalized code gives back the code as printed", () => {
    for (const code of DRAWS) expect(formatCode(normalizeCode(code) ?? "")).toBe(code);
  });
});

describe("reading a code a person typed", () => {
  test.each([
    ["lower case", "7k3m-q9xd", "7K3MQ9XD"],
    ["spaces, tabs and no-break spaces", " 7K3M  Q9XD\t4TPA\u00a0WN2B\n", "7K3MQ9XD4TPAWN2B"],
    [
      "dashes of every kind and underscores",
      "7K3M\u2013Q9XD\u20144TPA\u2212WN2B\u2011ER5C\u2010H_J",
      "7K3MQ9XD4TPAWN2BER5CHJ",
    ],
    ["full-width letters and dashes", "ＡＢＣ－７Ｋ３", "ABC7K3"],
    ["zero-width spaces and joiners", "AB\u200bC\u200cD\u200dE\u2060F\ufeff", "ABCDEF"],
    ["soft hyphens copied from a web page", "7K3M\u00adQ9XD", "7K3MQ9XD"],
    ["direction marks a right-to-left app wraps around a code", "\u2066\u200e7K3M-Q9XD\u200f\u2069", "7K3MQ9XD"],
    ["the dash a Japanese keyboard types", "７Ｋ３ＭーＱ９ＸＤ", "7K3MQ9XD"],
    ["Cyrillic look-alikes", "\u0410\u0412\u0421 \u0430\u0432\u0441", "ABCABC"],
    ["Greek look-alikes", "\u0391\u0392\u0395\u0396", "ABEZ"],
    ["a Cyrillic O, which reads as zero", "\u041e\u043e", "00"],
    ["Crockford aliases O, I, L and U", "OoIiLlUu", "001111VV"],
  ])("%s are folded", (_, typed, expected) => {
    expect(normalizeCode(typed)).toBe(expected);
  });

  test.each([
    ["a hash sign", "7K3M#Q9XD"],
    ["an emoji", "7K3M🎟Q9XD"],
    ["a path", "../"],
    ["a path inside a code", "7K3M/../Q9XD"],
    ["an accented letter", "7K3MÉ"],
    ["a letter that upper-cases to two letters", "ß"],
    ["nothing but separators", " - _ "],
    ["nothing at all", ""],
  ])("%s is refused", (_, typed) => {
    expect(normalizeCode(typed)).toBeNull();
  });

  test("whatever is typed, the result is code symbols only, or nothing", () => {
    const onlySymbols = new RegExp(`^${SYMBOL}+$`);
    const anyCharacter = fc.string({ unit: "binary", minLength: 1, maxLength: 1 });
    // Characters that fold or upper-case into something else: ligatures, numerals, dotless i, sharp s, other scripts.
    const trickyCharacter = fc.constantFrom(..."aZ0-ＡｚﬁⅫ①²ıſßǅKÅéωοуЯ\u0130\u1e9e\u200b\u00ad");
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(anyCharacter, trickyCharacter), maxLength: 30 }), (typed) => {
        const normalized = normalizeCode(typed);
        if (normalized !== null) expect(normalized).toMatch(onlySymbols);
      }),
      { numRuns: 1_000 },
    );
  });

  test("a code typed carelessly still reads as the code printed", () => {
    const typedAs: Record<string, string[]> = {
      "0": ["O", "o", "\u041e", "\u039f"],
      "1": ["I", "i", "L", "l", "\u0399"],
      V: ["U", "u"],
      A: ["\u0410", "\u0430", "\u0391"],
      K: ["\u041a", "\u043a", "\u039a"],
    };
    const spellings = (symbol: string) => [symbol, symbol.toLowerCase(), fullWidth(symbol), ...(typedAs[symbol] ?? [])];
    const separators = ["", "", "", " ", "-", "–", "_", "\u200b", "－", "\u3000"];
    fc.assert(
      fc.property(
        fc.constantFrom(...DRAWS.slice(0, 200)),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...separators)), {
          minLength: CODE_LENGTH,
          maxLength: CODE_LENGTH,
        }),
        (printed, choices) => {
          const canonical = printed.replaceAll("-", "");
          const typed = [...canonical]
            .map((symbol, i) => {
              const [pick, separator] = choices[i] ?? [0, ""];
              const options = spellings(symbol);
              return options[pick % options.length] + separator;
            })
            .join("");
          expect(normalizeCode(typed)).toBe(canonical);
        },
      ),
    );
  });

  test("normalizing twice changes nothing", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0O1IlLuUvaZ-_ ＡＢ\u0410\u200b"), maxLength: 30 }), (typed) => {
        const once = normalizeCode(typed);
        if (once !== null) expect(normalizeCode(once)).toBe(once);
      }),
    );
  });
});

describe("the check symbol", () => {
  const sample = CANONICAL.slice(0, 200);

  test("a single mistyped symbol anywhere is caught by the check symbol", () => {
    for (const code of sample) {
      for (let position = 0; position < CODE_LENGTH; position++) {
        for (const symbol of CROCKFORD) {
          if (symbol === code.charAt(position)) continue;
          expect(isWellFormedCode(substitute(code, position, symbol)), `${code} @${position} → ${symbol}`).toBe(false);
        }
      }
    }
  });

  test("a symbol that no code contains is never accepted, even where the check sum would balance", () => {
    // Before the alphabet was checked, every outside character counted as -1 and this string passed.
    expect(isWellFormedCode(`${"#".repeat(CODE_DATA_SYMBOLS)}G`)).toBe(false);
    for (const code of sample.slice(0, 20)) {
      for (let position = 0; position < CODE_LENGTH; position++) {
        for (const outsider of ["#", "a", "O", "I", "L", "U", " "]) {
          expect(isWellFormedCode(substitute(code, position, outsider))).toBe(false);
        }
      }
    }
  });

  test("swapped neighbours are caught, except 0 and Z, which Luhn mod 32 cannot tell apart", () => {
    // Luhn mod N misses exactly the swap of the symbols worth 0 and N-1; for Crockford that is 0 and Z.
    let swaps = 0;
    let missed = 0;
    for (const code of CANONICAL) {
      for (let position = 0; position < CODE_LENGTH - 1; position++) {
        const pair = code.slice(position, position + 2);
        if (pair.charAt(0) === pair.charAt(1)) continue;
        swaps++;
        if (isWellFormedCode(swapNeighbours(code, position))) {
          missed++;
          expect(["0Z", "Z0"]).toContain(pair);
        }
      }
    }
    expect(missed / swaps).toBeLessThan(0.01);
  });

  test("swapping a neighbouring 0 and Z goes unnoticed, as Luhn mod 32 predicts", () => {
    const code = CANONICAL.find((c) => /0Z|Z0/.test(c));
    if (!code) throw new Error("no drawn code holds a 0 next to a Z");
    const position = code.search(/0Z|Z0/);
    expect(isWellFormedCode(swapNeighbours(code, position))).toBe(true);
  });

  test.each([
    ["one symbol short", (code: string) => code.slice(0, -1)],
    ["one symbol too many", (code: string) => `${code}0`],
    ["still grouped with dashes", (code: string) => formatCode(code)],
    ["typed twice", (code: string) => code + code],
    ["empty", () => ""],
  ])("a code %s is refused", (_, mangle) => {
    for (const code of sample) expect(isWellFormedCode(mangle(code))).toBe(false);
  });

  test("no string of code symbols of the wrong length is well formed", () => {
    fc.assert(
      fc.property(
        fc
          .string({ unit: fc.constantFrom(...CROCKFORD), maxLength: 2 * CODE_LENGTH })
          .filter((s) => s.length !== CODE_LENGTH),
        (candidate) => {
          expect(isWellFormedCode(candidate)).toBe(false);
        },
      ),
    );
  });
});

describe("card secrets", () => {
  test("a card secret keeps its supplier's spelling and case", () => {
    expect(normalizeCardSecret("AbC-dEf_O0Il")).toBe("AbC-dEf_O0Il");
  });

  test("the same secret pasted full-width or with spaces is one secret", () => {
    expect(normalizeCardSecret(" ＡｂＣ－12\u3000 34\u00a0\n")).toBe("AbC-1234");
  });
});

describe("masking a code", () => {
  test("a masked code shows only its first and last group", () => {
    expect(maskCode("7K3M-Q9XD-4TPA-WN2B-ER5C")).toBe("7K3M••••••••••••••••ER5C");
    expect(maskCode("7K3MQ9XD4TPAWN2BER5C")).toBe("7K3M••••••••••••ER5C");
  });

  test("two codes that differ only in the middle mask alike", () => {
    const symbols = (length: number) =>
      fc.string({ unit: fc.constantFrom(...CROCKFORD), minLength: length, maxLength: length });
    const codes = fc
      .integer({ min: 1, max: 20 })
      .chain((length) => fc.tuple(symbols(4), symbols(length), symbols(length), symbols(4)));
    fc.assert(
      fc.property(codes, ([head, middle, otherMiddle, tail]) => {
        expect(maskCode(head + middle + tail)).toBe(maskCode(head + otherMiddle + tail));
      }),
    );
  });

  test("a code too short to have a middle is masked entirely", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (short) => {
        expect(maskCode(short)).toMatch(/^•*$/);
      }),
    );
  });
});

describe("lower-case Greek look-alikes", () => {
  test("read as the Latin letters they resemble", () => {
    expect(normalizeCode("αβεικορτχ")).toBe(normalizeCode("ABEIKOPTX"));
  });
});
