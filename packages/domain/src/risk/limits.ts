/** Units of one SKU that one buyer identity may order inside the purchase window. */
export interface PurchaseLimits {
  perCustomer: number;
  perIp: number;
  perDevice: number;
}

/**
 * A merchant's synchronous risk limits. Counts are per buyer identity (the email, the IP, the
 * shop's device id) or per partner credential, each kept in its own RateGate.
 */
export interface RiskLimits {
  checkout: {
    /** Order attempts per identity per minute, refused or not. */
    attemptsPerMinute: { perCustomer: number; perIp: number; perDevice: number };
    purchaseWindowMinutes: number;
    /** The merchant's default purchase limits, for every SKU without its own. */
    purchases: PurchaseLimits;
    /** Tighter (or looser) limits for named SKUs: a limited edition, a scalped card. */
    skuPurchases: Record<string, PurchaseLimits>;
    /** Orders awaiting payment (holding stock) at once; an expired, failed or paid one frees its slot. */
    unpaidOrders: { perCustomer: number; perIp: number; perDevice: number };
    /** Failed payments inside the window before a cool-down, per identity and per card. */
    paymentFailures: {
      perCustomer: number;
      perIp: number;
      perDevice: number;
      perCard: number;
      windowMinutes: number;
      cooldownMinutes: number;
    };
  };
  lookups: {
    /** Failed verify/redeem look-ups (`code_not_found`) inside the window before a lockout. */
    failuresPerPartnerKey: number;
    failuresPerIp: number;
    windowMinutes: number;
    lockoutMinutes: number;
    /** All verify/redeem calls of one partner key per minute, successful or not. */
    requestsPerMinutePerPartnerKey: number;
  };
}

/**
 * Defaults that never stop an honest busy buyer or partner: a chain of stores redeeming
 * hundreds of codes a minute through one key and one egress IP stays far below every one of
 * them, and an office or campus behind one NAT address can still shop. Merchants tighten them
 * per SKU where scalpers come.
 */
export const DEFAULT_RISK_LIMITS: RiskLimits = {
  checkout: {
    attemptsPerMinute: { perCustomer: 30, perIp: 300, perDevice: 60 },
    purchaseWindowMinutes: 1440,
    purchases: { perCustomer: 500, perIp: 2000, perDevice: 500 },
    skuPurchases: {},
    unpaidOrders: { perCustomer: 5, perIp: 50, perDevice: 5 },
    paymentFailures: {
      perCustomer: 5,
      perIp: 30,
      perDevice: 5,
      perCard: 5,
      windowMinutes: 60,
      cooldownMinutes: 30,
    },
  },
  lookups: {
    failuresPerPartnerKey: 300,
    failuresPerIp: 300,
    windowMinutes: 10,
    lockoutMinutes: 15,
    requestsPerMinutePerPartnerKey: 6000,
  },
};

/** The limits one SKU is bought under. */
export function purchaseLimitsOf(limits: RiskLimits, skuId: string): PurchaseLimits {
  return limits.checkout.skuPurchases[skuId] ?? limits.checkout.purchases;
}

export type BuyerDimension = "customer" | "ip" | "device";

const FIELD = { customer: "perCustomer", ip: "perIp", device: "perDevice" } as const;

/** What one buyer identity's gate is asked to admit for an order. */
export interface CheckoutAsk {
  orderId: string;
  now: number;
  attemptsPerMinute: number;
  purchaseWindowMs: number;
  lines: { skuId: string; quantity: number; limit: number }[];
  unpaidCap: number;
  /** When the order's reservation lapses: its unpaid slot frees itself then. */
  holdUntil: number;
}

export function checkoutAsk(
  limits: RiskLimits,
  dimension: BuyerDimension,
  order: { orderId: string; now: number; holdUntil: number; lines: { skuId: string; quantity: number }[] },
): CheckoutAsk {
  const field = FIELD[dimension];
  return {
    orderId: order.orderId,
    now: order.now,
    attemptsPerMinute: limits.checkout.attemptsPerMinute[field],
    purchaseWindowMs: limits.checkout.purchaseWindowMinutes * 60_000,
    lines: order.lines.map((line) => ({ ...line, limit: purchaseLimitsOf(limits, line.skuId)[field] })),
    unpaidCap: limits.checkout.unpaidOrders[field],
    holdUntil: order.holdUntil,
  };
}

export interface FailurePolicy {
  limit: number;
  windowMs: number;
  cooldownMs: number;
}

export function failurePolicy(limits: RiskLimits, dimension: BuyerDimension | "card"): FailurePolicy {
  const failures = limits.checkout.paymentFailures;
  const limit = dimension === "card" ? failures.perCard : failures[FIELD[dimension]];
  return { limit, windowMs: failures.windowMinutes * 60_000, cooldownMs: failures.cooldownMinutes * 60_000 };
}
