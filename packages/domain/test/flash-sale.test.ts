import { describe, expect, it } from "vitest";
import { customerOf, homeShard, lendAmount, saleStatus, splitQuota } from "../src/flash-sale";

describe("a flash sale's window", () => {
  const sale = { startsAt: 1_000, endsAt: 2_000, cancelledAt: null };
  it("opens at its second exactly and is over from its end", () => {
    expect(saleStatus(sale, 999)).toBe("scheduled");
    expect(saleStatus(sale, 1_000)).toBe("open");
    expect(saleStatus(sale, 1_999)).toBe("open");
    expect(saleStatus(sale, 2_000)).toBe("ended");
  });
  it("is cancelled whatever the time once cancelled", () => {
    expect(saleStatus({ ...sale, cancelledAt: 500 }, 1_500)).toBe("cancelled");
    expect(saleStatus({ ...sale, cancelledAt: 1_500 }, 900)).toBe("cancelled");
  });
});

describe("the customer a limit counts", () => {
  it("is one mailbox however it is spelled", () => {
    const same = [
      "Ann.Lee+sale@Gmail.com",
      "  annlee@gmail.com ",
      "a.n.n.l.e.e@googlemail.com",
      "ＡＮＮＬＥＥ@gmail.com",
      "annlee+1@gmail.com",
    ];
    expect(new Set(same.map(customerOf))).toEqual(new Set(["annlee@gmail.com"]));
  });
  it("keeps the dots of other providers and tells different mailboxes apart", () => {
    expect(customerOf("ann.lee@example.com")).toBe("ann.lee@example.com");
    expect(customerOf("annlee@example.com")).not.toBe(customerOf("ann.lee@example.com"));
    expect(customerOf("bob+x@example.com")).toBe("bob@example.com");
  });
});

describe("a customer's home shard", () => {
  it("is stable and within the sale's shards", () => {
    for (const shards of [1, 2, 4, 8, 16]) {
      for (let i = 0; i < 200; i++) {
        const shard = homeShard(`buyer${i}@example.test`, shards);
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(shards);
        expect(homeShard(`buyer${i}@example.test`, shards)).toBe(shard);
      }
    }
  });
  it("spreads 10,000 buyers over 8 shards within 10% of an even share each", () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 10_000; i++) counts[homeShard(customerOf(`buyer${i}@bench.test`), 8)]++;
    for (const count of counts) expect(Math.abs(count - 1_250)).toBeLessThan(125);
  });
  it("refuses a sale without shards", () => {
    expect(() => homeShard("a@b.c", 0)).toThrow(RangeError);
  });
});

describe("splitting a quota and lending between shards", () => {
  it("gives every unit to exactly one shard, as evenly as whole units allow", () => {
    expect(splitQuota(10, 4)).toEqual([3, 3, 2, 2]);
    expect(splitQuota(3, 8)).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);
    for (const [quota, shards] of [
      [1_000, 8],
      [7, 3],
      [100_000, 16],
    ] as const) {
      const parts = splitQuota(quota, shards);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(quota);
      expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
    }
  });
  it("lends what was asked, or half the lender's stock if more, never more than it holds", () => {
    expect(lendAmount(0, 1)).toBe(0);
    expect(lendAmount(1, 3)).toBe(1);
    expect(lendAmount(10, 1)).toBe(5);
    expect(lendAmount(10, 8)).toBe(8);
    expect(lendAmount(3, 1)).toBe(1);
  });
});
