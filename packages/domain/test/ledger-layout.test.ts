import { describe, expect, it } from "vitest";
import { ledgerNameFor, lookupKeyOfRedemption, newRedemptionId } from "../src";

const key = "3fa9c0d2e4b6a8c0d2e4f60718293a4b";

describe("ledgerNameFor", () => {
  it("names one ledger per code by the whole lookup key", () => {
    expect(ledgerNameFor("mer_1", key, "code")).toBe(key);
  });

  it("puts a merchant's codes in 256 shards by the first two hex characters of the lookup key", () => {
    expect(ledgerNameFor("mer_1", key, "shard")).toBe("mer_1:3f");
    expect(ledgerNameFor("mer_1", `3f${"0".repeat(30)}`, "shard")).toBe("mer_1:3f");
    expect(ledgerNameFor("mer_2", key, "shard")).toBe("mer_2:3f");
    const names = new Set<string>();
    for (let i = 0; i < 4096; i++)
      names.add(ledgerNameFor("mer_1", i.toString(16).padStart(32, "0").split("").reverse().join(""), "shard"));
    expect(names.size).toBe(256);
  });

  it("a redemption id still leads to its ledger under either layout", () => {
    const id = newRedemptionId(key, 1_700_000_000_000);
    const back = lookupKeyOfRedemption(id);
    expect(back).toBe(key);
    for (const layout of ["code", "shard"] as const) {
      expect(ledgerNameFor("mer_1", back as string, layout)).toBe(ledgerNameFor("mer_1", key, layout));
    }
  });
});
