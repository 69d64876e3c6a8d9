import { describe, expect, test } from "vitest";
import {
  decodeRfc4648Base32,
  encodeRfc4648Base32,
  hotp,
  newTotpSecret,
  otpauthUrl,
  type TotpAlgorithm,
  totp,
  verifyTotp,
} from "../src/totp";

const ascii = (text: string) => new Uint8Array(new TextEncoder().encode(text));

describe("HOTP (RFC 4226 appendix D)", () => {
  const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
  test.each(expected.map((code, counter) => [counter, code]))("counter %i gives %s", async (counter, code) => {
    expect(await hotp(ascii("12345678901234567890"), counter)).toBe(code);
  });
});

describe("TOTP (RFC 6238 appendix B)", () => {
  const seeds: Record<TotpAlgorithm, string> = {
    "SHA-1": "12345678901234567890",
    "SHA-256": "12345678901234567890123456789012",
    "SHA-512": "1234567890123456789012345678901234567890123456789012345678901234",
  };
  const vectors: [number, TotpAlgorithm, string][] = [
    [59, "SHA-1", "94287082"],
    [59, "SHA-256", "46119246"],
    [59, "SHA-512", "90693936"],
    [1111111109, "SHA-1", "07081804"],
    [1111111109, "SHA-256", "68084774"],
    [1111111109, "SHA-512", "25091201"],
    [1111111111, "SHA-1", "14050471"],
    [1111111111, "SHA-256", "67062674"],
    [1111111111, "SHA-512", "99943326"],
    [1234567890, "SHA-1", "89005924"],
    [1234567890, "SHA-256", "91819424"],
    [1234567890, "SHA-512", "93441116"],
    [2000000000, "SHA-1", "69279037"],
    [2000000000, "SHA-256", "90698825"],
    [2000000000, "SHA-512", "38618901"],
    [20000000000, "SHA-1", "65353130"],
    [20000000000, "SHA-256", "77737706"],
    [20000000000, "SHA-512", "47863826"],
  ];
  test.each(vectors)("at %i s with %s the 8-digit code is %s", async (seconds, algorithm, code) => {
    expect(await totp(ascii(seeds[algorithm]), seconds * 1000, { algorithm, digits: 8 })).toBe(code);
  });
});

describe("verifying a code", () => {
  const secret = ascii("12345678901234567890");
  const now = 1111111111_000;

  test("accepts the current code and the codes one step either side, and says which step matched", async () => {
    for (const drift of [-1, 0, 1]) {
      const code = await totp(secret, now + drift * 30_000);
      expect(await verifyTotp(secret, code, now)).toBe(Math.floor(now / 30_000) + drift);
    }
  });

  test("refuses a code two steps away, a wrong code, and anything that is not six digits", async () => {
    expect(await verifyTotp(secret, await totp(secret, now - 60_000), now)).toBeNull();
    expect(await verifyTotp(secret, await totp(secret, now + 60_000), now)).toBeNull();
    const right = await totp(secret, now);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    expect(await verifyTotp(secret, wrong, now)).toBeNull();
    for (const junk of ["", "12345", "1234567", "abcdef", "12 34 5x"])
      expect(await verifyTotp(secret, junk, now)).toBeNull();
  });

  test("ignores spaces people type between the digits", async () => {
    const code = await totp(secret, now);
    expect(await verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).not.toBeNull();
  });
});

describe("secrets and enrolment", () => {
  test("base32 follows RFC 4648's test vectors (without padding)", () => {
    const vectors: [string, string][] = [
      ["", ""],
      ["f", "MY"],
      ["fo", "MZXQ"],
      ["foo", "MZXW6"],
      ["foob", "MZXW6YQ"],
      ["fooba", "MZXW6YTB"],
      ["foobar", "MZXW6YTBOI"],
    ];
    for (const [plain, encoded] of vectors) {
      expect(encodeRfc4648Base32(ascii(plain))).toBe(encoded);
      expect(new TextDecoder().decode(decodeRfc4648Base32(encoded) ?? new Uint8Array())).toBe(plain);
    }
    expect(decodeRfc4648Base32("mzxw 6ytb oi==")).toEqual(ascii("foobar"));
    expect(decodeRfc4648Base32("not base32!")).toBeNull();
  });

  test("a new secret is 160 random bits, base32", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeRfc4648Base32(secret)).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(secret);
  });

  test("the otpauth URI names the issuer and account and carries the parameters apps read", () => {
    const url = new URL(otpauthUrl({ issuer: "Tessera demo", account: "ann@example.test", secret: "MZXW6YTBOI" }));
    expect(url.protocol).toBe("otpauth:");
    expect(url.host).toBe("totp");
    expect(decodeURIComponent(url.pathname)).toBe("/Tessera demo:ann@example.test");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      secret: "MZXW6YTBOI",
      issuer: "Tessera demo",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });
  });
});
