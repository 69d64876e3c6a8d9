/**
 * A merchant's risk settings: from which order value orders are scored, the score cut-offs for
 * review and block, each order rule's weight and limit, and the partner-side redemption rules.
 * Every field has a default, so a merchant who never opened the risk page is protected too.
 */

export const ORDER_RULES = [
  "velocity_email",
  "velocity_ip",
  "velocity_device",
  "velocity_fingerprint",
  "velocity_recipient",
  "emails_per_device",
  "emails_per_ip",
  "new_customer_large_order",
  "region_mismatch_payment",
  "region_mismatch_recipient",
] as const;

export type OrderRule = (typeof ORDER_RULES)[number];

/** Rules whose facts are on the order and payment already: they can flag an order inline, for free. */
export const SOFT_RULES: readonly OrderRule[] = ["region_mismatch_payment", "region_mismatch_recipient"];

export interface RuleSetting {
  enabled: boolean;
  /** Points the rule adds to the score when it trips. */
  weight: number;
  /**
   * What the rule tolerates: a count of orders or e-mails in the window (it trips above it), an
   * order value in minor units (`new_customer_large_order` trips at or above it); unused by the
   * region rules.
   */
  limit: number;
}

export interface RedemptionLocation {
  lat: number;
  lon: number;
  /** ISO 3166-1 alpha-2 country, or any region code the merchant's SKU rules use. */
  region: string | null;
}

export interface SkuRedemptionRule {
  /** Regions a code of the SKU may be redeemed in; empty for anywhere. */
  regions: string[];
  /** Hours of the day (in `timeZone`) redemptions are expected: `from` inclusive, `to` exclusive; may wrap midnight. */
  hours: { from: number; to: number } | null;
  timeZone: string;
}

export interface RedemptionSettings {
  enabled: boolean;
  /** Faster than this between two redemptions of one code is impossible travel (an airliner flies ~900 km/h). */
  travelKmh: number;
  /** Redemptions by one partner within `burstWindowMinutes` above which an alert is raised. */
  burstLimit: number;
  burstWindowMinutes: number;
  /** Where the partner's `location` values are, when they are store ids rather than `geo:` URIs. */
  locations: Record<string, RedemptionLocation>;
  skus: Record<string, SkuRedemptionRule>;
}

export interface RiskSettings {
  /** Orders worth this much or more (minor units of their currency) are scored before fulfilment. */
  scoreFrom: number;
  /** A score at or above `reviewAt` holds the order for a person; at or above `blockAt` refunds it. */
  reviewAt: number;
  blockAt: number;
  /** How far back the velocity rules look. */
  windowHours: number;
  rules: Record<OrderRule, RuleSetting>;
  redemption: RedemptionSettings;
}

export const DEFAULT_RISK_SETTINGS: RiskSettings = {
  scoreFrom: 50_000,
  reviewAt: 40,
  blockAt: 80,
  windowHours: 24,
  rules: {
    velocity_email: { enabled: true, weight: 20, limit: 3 },
    velocity_ip: { enabled: true, weight: 15, limit: 5 },
    velocity_device: { enabled: true, weight: 20, limit: 3 },
    velocity_fingerprint: { enabled: true, weight: 25, limit: 3 },
    velocity_recipient: { enabled: true, weight: 20, limit: 3 },
    emails_per_device: { enabled: true, weight: 30, limit: 2 },
    emails_per_ip: { enabled: true, weight: 20, limit: 4 },
    new_customer_large_order: { enabled: true, weight: 25, limit: 100_000 },
    region_mismatch_payment: { enabled: true, weight: 25, limit: 0 },
    region_mismatch_recipient: { enabled: true, weight: 15, limit: 0 },
  },
  redemption: {
    enabled: true,
    travelKmh: 900,
    burstLimit: 600,
    burstWindowMinutes: 1,
    locations: {},
    skus: {},
  },
};

/** What a merchant stored (possibly written before a rule existed) over the defaults. */
export function withDefaults(stored: Partial<RiskSettings> | null | undefined): RiskSettings {
  const base = DEFAULT_RISK_SETTINGS;
  if (!stored) return structuredClone(base);
  const rules = { ...base.rules };
  for (const rule of ORDER_RULES) {
    const own = stored.rules?.[rule];
    if (own) rules[rule] = { ...base.rules[rule], ...own };
  }
  return {
    scoreFrom: stored.scoreFrom ?? base.scoreFrom,
    reviewAt: stored.reviewAt ?? base.reviewAt,
    blockAt: stored.blockAt ?? base.blockAt,
    windowHours: stored.windowHours ?? base.windowHours,
    rules,
    redemption: { ...base.redemption, ...stored.redemption },
  };
}
