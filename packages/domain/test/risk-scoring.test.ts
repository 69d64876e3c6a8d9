import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assessOrder,
  canonicalRange,
  DEFAULT_RISK_SETTINGS,
  decide,
  distanceKm,
  impossibleTravel,
  inRange,
  type ListEntry,
  listHits,
  normalizeListValue,
  type OrderFacts,
  parseIp,
  placeOf,
  type RiskSettings,
  screenOrder,
  skuRuleBreaches,
  withDefaults,
  withinHours,
} from "../src/risk";

const settings: RiskSettings = structuredClone(DEFAULT_RISK_SETTINGS);

/** An order that trips nothing: one order, one e-mail, a returning customer, no regions known. */
const quiet: OrderFacts = {
  amount: 1_999,
  ipCountry: null,
  cardCountry: null,
  recipientCountries: [],
  velocity: { email: 1, ip: 1, device: 1, fingerprint: 1, recipient: null },
  emailsOnDevice: 1,
  emailsOnIp: 1,
  previousOrders: 2,
  lists: [],
};

describe("scoring an order", () => {
  it("scores a quiet order 0 and allows it", () => {
    expect(assessOrder(quiet, settings)).toEqual({ score: 0, decision: "allow", contributions: [] });
  });

  it.each([
    ["velocity_email", { velocity: { ...quiet.velocity, email: 4 } }, 4, 3],
    ["velocity_ip", { velocity: { ...quiet.velocity, ip: 6 } }, 6, 5],
    ["velocity_device", { velocity: { ...quiet.velocity, device: 4 } }, 4, 3],
    ["velocity_fingerprint", { velocity: { ...quiet.velocity, fingerprint: 4 } }, 4, 3],
    ["velocity_recipient", { velocity: { ...quiet.velocity, recipient: 4 } }, 4, 3],
    ["emails_per_device", { emailsOnDevice: 3 }, 3, 2],
    ["emails_per_ip", { emailsOnIp: 5 }, 5, 4],
    ["new_customer_large_order", { previousOrders: 0, amount: 100_000 }, 100_000, 100_000],
    ["region_mismatch_payment", { ipCountry: "us", cardCountry: "CN" }, "US≠CN", null],
    ["region_mismatch_recipient", { ipCountry: "US", recipientCountries: ["CN"] }, "US≠CN", null],
  ] as const)("%s contributes its weight with what it observed", (rule, change, observed, limit) => {
    const result = assessOrder({ ...quiet, ...change } as OrderFacts, settings);
    expect(result.contributions).toEqual([{ rule, points: settings.rules[rule].weight, observed, limit }]);
    expect(result.score).toBe(settings.rules[rule].weight);
  });

  it("stays silent at the limit itself and for unknown signals", () => {
    const atLimit: OrderFacts = {
      ...quiet,
      velocity: { email: 3, ip: 5, device: 3, fingerprint: 3, recipient: 3 },
      emailsOnDevice: 2,
      emailsOnIp: 4,
      previousOrders: 0,
      amount: 99_999,
      ipCountry: "CN",
      cardCountry: "CN",
      recipientCountries: ["CN"],
    };
    expect(assessOrder(atLimit, settings).contributions).toEqual([]);
    const unknown: OrderFacts = {
      ...quiet,
      velocity: { email: null, ip: null, device: null, fingerprint: null, recipient: null },
      emailsOnDevice: null,
      emailsOnIp: null,
      previousOrders: null,
      amount: 10_000_000,
      cardCountry: "US",
    };
    expect(assessOrder(unknown, settings).contributions).toEqual([]);
  });

  it("a disabled rule contributes nothing, and weights are the merchant's", () => {
    const own = withDefaults({
      rules: {
        ...settings.rules,
        velocity_email: { enabled: false, weight: 20, limit: 3 },
        velocity_ip: { enabled: true, weight: 7, limit: 1 },
      },
    });
    const result = assessOrder({ ...quiet, velocity: { ...quiet.velocity, email: 9, ip: 2 } }, own);
    expect(result.contributions.map((c) => [c.rule, c.points])).toEqual([["velocity_ip", 7]]);
  });

  it("the score is the sum of the contributions, and the decision follows the cut-offs", () => {
    const facts = arbitraryFacts();
    fc.assert(
      fc.property(facts, (f) => {
        const result = assessOrder(f, settings);
        expect(result.score).toBe(result.contributions.reduce((total, c) => total + c.points, 0));
        if (f.lists.length === 0) {
          const expected =
            result.score >= settings.blockAt ? "block" : result.score >= settings.reviewAt ? "review" : "allow";
          expect(result.decision).toBe(expected);
        }
      }),
    );
  });

  it("decides review from reviewAt and block from blockAt", () => {
    expect(decide(39, settings)).toBe("allow");
    expect(decide(40, settings)).toBe("review");
    expect(decide(79, settings)).toBe("review");
    expect(decide(80, settings)).toBe("block");
  });

  it("a blocklist hit blocks whatever the score; an allowlist hit allows; block wins over allow", () => {
    const block = { entryId: "b", kind: "email", list: "block", value: "x@y.z" } as const;
    const allow = { entryId: "a", kind: "device", list: "allow", value: "dev" } as const;
    expect(assessOrder({ ...quiet, lists: [block] }, settings)).toMatchObject({
      decision: "block",
      score: settings.blockAt,
      contributions: [{ rule: "blocklist", points: settings.blockAt, observed: "email:x@y.z" }],
    });
    const noisy = { ...quiet, emailsOnDevice: 9, emailsOnIp: 9, velocity: { ...quiet.velocity, email: 9 } };
    expect(assessOrder({ ...noisy, lists: [allow] }, settings).decision).toBe("allow");
    expect(assessOrder({ ...noisy, lists: [allow, block] }, settings).decision).toBe("block");
  });
});

describe("the fast rules", () => {
  const fast = { amount: 1_999, ipCountry: null, cardCountry: null, recipientCountries: [], lists: [] };

  it("let a small order with no soft flag through with nothing recorded", () => {
    expect(screenOrder(fast, settings)).toEqual({ outcome: "allow", assessment: null });
    expect(screenOrder({ ...fast, amount: settings.scoreFrom - 1 }, settings).outcome).toBe("allow");
  });

  it("send an order at the value threshold, or one with a soft flag, to scoring", () => {
    expect(screenOrder({ ...fast, amount: settings.scoreFrom }, settings)).toEqual({ outcome: "score", softFlags: [] });
    expect(screenOrder({ ...fast, ipCountry: "US", cardCountry: "CN" }, settings)).toEqual({
      outcome: "score",
      softFlags: ["region_mismatch_payment"],
    });
  });

  it("block a blocklisted order and allow an allowlisted one at once, recording why", () => {
    const hit = { entryId: "e", kind: "payment_fingerprint", list: "block", value: "fp" } as const;
    expect(screenOrder({ ...fast, lists: [hit] }, settings)).toMatchObject({
      outcome: "block",
      assessment: { decision: "block", contributions: [{ rule: "blocklist" }] },
    });
    const big = { ...fast, amount: 10_000_000, ipCountry: "US", cardCountry: "CN" };
    expect(screenOrder({ ...big, lists: [{ ...hit, list: "allow" }] }, settings)).toMatchObject({
      outcome: "allow",
      assessment: { decision: "allow", contributions: [{ rule: "allowlist", points: 0 }] },
    });
  });
});

describe("list values", () => {
  it("normalize e-mails to one mailbox, accounts without spaces and dashes", () => {
    expect(normalizeListValue("email", " Ann.Lee+x@Gmail.com ")).toBe("annlee@gmail.com");
    expect(normalizeListValue("email", "not-an-email")).toBeNull();
    expect(normalizeListValue("recipient_account", "138-0013 8000")).toBe("13800138000");
    expect(normalizeListValue("device", "dev 1")).toBeNull();
    expect(normalizeListValue("device", "")).toBeNull();
  });

  it("canonicalize IP ranges, v4 and v6, and refuse what is not one", () => {
    expect(canonicalRange("10.1.2.3/8")).toBe("10.0.0.0/8");
    expect(canonicalRange("192.0.2.7")).toBe("192.0.2.7/32");
    expect(canonicalRange("2001:db8::1/32")).toBe("2001:db8:0:0:0:0:0:0/32");
    expect(canonicalRange("::ffff:192.0.2.1/120")).toBe("192.0.2.0/24");
    for (const bad of ["10.0.0.0/33", "256.1.1.1", "1.2.3", "2001:db8::1::2", "::/129", "1.2.3.4/8/1", "01.2.3.4"]) {
      expect(canonicalRange(bad), bad).toBeNull();
    }
  });

  it("match addresses inside a range only, family by family", () => {
    const range = (text: string) => canonicalRange(text) ?? "";
    const ip = (text: string) => parseIp(text) ?? { version: 4 as const, value: -1n };
    expect(inRange(ip("10.200.3.4"), range("10.0.0.0/8"))).toBe(true);
    expect(inRange(ip("11.0.0.1"), range("10.0.0.0/8"))).toBe(false);
    expect(inRange(ip("2001:db8:ffff::1"), range("2001:db8::/32"))).toBe(true);
    expect(inRange(ip("2001:db9::1"), range("2001:db8::/32"))).toBe(false);
    expect(inRange(ip("::ffff:10.0.0.9"), range("10.0.0.0/8"))).toBe(true);
    expect(inRange(ip("10.0.0.1"), range("::/0"))).toBe(false);
    expect(inRange(ip("8.8.8.8"), range("0.0.0.0/0"))).toBe(true);
  });

  it("an address is in a range exactly when their first prefix bits agree (v4, any prefix)", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (address, base, prefix) => {
        const a = parseIp(address)?.value ?? 0n;
        const b = parseIp(base)?.value ?? 0n;
        const shift = BigInt(32 - prefix);
        const expected = a >> shift === b >> shift;
        const ip = parseIp(address);
        const cidr = canonicalRange(`${base}/${prefix}`);
        expect(ip && cidr ? inRange(ip, cidr) : null).toBe(expected);
      }),
    );
  });

  it("parse every v6 address fast-check writes, and find it in its own /64", () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const ip = parseIp(address);
        expect(ip).not.toBeNull();
        const cidr = canonicalRange(`${address}/${ip?.version === 4 ? 120 : 64}`);
        expect(cidr).not.toBeNull();
        if (ip && cidr) expect(inRange(ip, cidr)).toBe(true);
      }),
    );
  });

  it("find the entries an order matches, of every kind", () => {
    const entries: ListEntry[] = [
      { id: "1", kind: "email", list: "block", value: "bad@example.com" },
      { id: "2", kind: "ip_range", list: "block", value: "203.0.113.0/24" },
      { id: "3", kind: "device", list: "allow", value: "dev-good" },
      { id: "4", kind: "payment_fingerprint", list: "block", value: "fp_bad" },
      { id: "5", kind: "recipient_account", list: "block", value: "13800138000" },
    ];
    const subject = {
      email: "Bad+1@Example.com",
      ip: "203.0.113.9",
      device: "dev-good",
      paymentFingerprint: "fp_bad",
      recipientAccounts: ["138 0013 8000"],
    };
    expect(listHits(entries, subject).map((hit) => hit.entryId)).toEqual(["1", "2", "3", "4", "5"]);
    const nobody = { email: null, ip: null, device: null, paymentFingerprint: null, recipientAccounts: [] };
    expect(listHits(entries, nobody)).toEqual([]);
  });
});

describe("redemption rules", () => {
  const redemption = { ...settings.redemption, locations: { "store-sh": { lat: 31.23, lon: 121.47, region: "CN" } } };
  const shanghai = { lat: 31.23, lon: 121.47 };
  const beijing = { lat: 39.9, lon: 116.4 };

  it("place a location by the merchant's store list, or by a geo: URI", () => {
    expect(placeOf("store-sh", redemption)).toEqual({ lat: 31.23, lon: 121.47, region: "CN" });
    expect(placeOf("geo:39.9,116.4;u=30", redemption)).toEqual({ ...beijing, region: null });
    expect(placeOf("geo:99,0", redemption)).toBeNull();
    expect(placeOf("front desk", redemption)).toBeNull();
    expect(placeOf(null, redemption)).toBeNull();
  });

  it("measure Shanghai–Beijing at about 1,070 km", () => {
    expect(Math.round(distanceKm(shanghai, beijing) / 10) * 10).toBe(1_070);
  });

  it("call Shanghai then Beijing in 10 minutes impossible, and in 3 hours possible", () => {
    const at = 1_700_000_000_000;
    expect(impossibleTravel({ at, place: shanghai }, { at: at + 600_000, place: beijing }, 900)).toMatchObject({
      km: 1_067,
      kmh: 6_402,
    });
    expect(impossibleTravel({ at, place: shanghai }, { at: at + 3 * 3_600_000, place: beijing }, 900)).toBeNull();
    // Two stores in one city are never travel, however close in time.
    expect(impossibleTravel({ at, place: shanghai }, { at, place: { lat: 31.3, lon: 121.5 } }, 900)).toBeNull();
  });

  it("flag a redemption outside its SKU's regions or hours", () => {
    const skus = { sku_1: { regions: ["cn"], hours: { from: 9, to: 22 }, timeZone: "Asia/Shanghai" } };
    const rules = { ...redemption, skus };
    const noonShanghai = Date.UTC(2026, 0, 1, 4); // 12:00 in Shanghai
    const threeAmShanghai = Date.UTC(2026, 0, 1, 19); // 03:00 the next day
    expect(skuRuleBreaches("sku_1", "CN", noonShanghai, rules)).toEqual([]);
    expect(skuRuleBreaches("sku_1", "jp", threeAmShanghai, rules)).toEqual([
      { kind: "outside_region", observed: "JP" },
      { kind: "outside_hours", observed: "3h Asia/Shanghai" },
    ]);
    expect(skuRuleBreaches("sku_other", "JP", threeAmShanghai, rules)).toEqual([]);
  });

  it("hours may wrap midnight", () => {
    expect(withinHours(23, { from: 22, to: 6 })).toBe(true);
    expect(withinHours(5, { from: 22, to: 6 })).toBe(true);
    expect(withinHours(12, { from: 22, to: 6 })).toBe(false);
    expect(withinHours(0, { from: 0, to: 0 })).toBe(true);
  });
});

describe("settings", () => {
  it("fill what a merchant never set with the defaults", () => {
    const own = withDefaults({
      reviewAt: 30,
      rules: { velocity_ip: { enabled: false, weight: 1, limit: 1 } } as never,
    });
    expect(own.reviewAt).toBe(30);
    expect(own.blockAt).toBe(DEFAULT_RISK_SETTINGS.blockAt);
    expect(own.rules.velocity_ip.enabled).toBe(false);
    expect(own.rules.velocity_email).toEqual(DEFAULT_RISK_SETTINGS.rules.velocity_email);
    expect(withDefaults(null)).toEqual(DEFAULT_RISK_SETTINGS);
  });
});

function arbitraryFacts(): fc.Arbitrary<OrderFacts> {
  const count = fc.option(fc.integer({ min: 0, max: 20 }), { nil: null });
  const country = fc.option(fc.constantFrom("CN", "US", "JP"), { nil: null });
  return fc.record({
    amount: fc.integer({ min: 0, max: 1_000_000 }),
    ipCountry: country,
    cardCountry: country,
    recipientCountries: fc.array(fc.constantFrom("CN", "US"), { maxLength: 2 }),
    velocity: fc.record({ email: count, ip: count, device: count, fingerprint: count, recipient: count }),
    emailsOnDevice: count,
    emailsOnIp: count,
    previousOrders: count,
    lists: fc.constant([]),
  });
}
