import type { ListHit } from "./lists";
import { type OrderRule, type RiskSettings, SOFT_RULES } from "./settings";

/**
 * Scoring a paid order: score = Σ contributions, each named by its rule with what was observed
 * and what the merchant tolerates, so a reviewer reads why and the decision log can show it.
 * A blocklist hit blocks whatever the score, an allowlist hit (without a block hit) allows.
 */

export const DECISIONS = ["allow", "review", "block"] as const;
export type Decision = (typeof DECISIONS)[number];

export interface Contribution {
  rule: OrderRule | "blocklist" | "allowlist";
  points: number;
  /** What tripped the rule: a count, an amount, a pair of regions, a list entry's kind and value. */
  observed: string | number;
  limit: string | number | null;
}

export interface Assessment {
  score: number;
  decision: Decision;
  contributions: Contribution[];
}

/** Facts about an order the rules read; null where a signal is unknown (the rule then stays silent). */
export interface OrderFacts {
  amount: number;
  ipCountry: string | null;
  cardCountry: string | null;
  /** Countries of the direct top-up recipients the order credits (a mainland mobile number is CN). */
  recipientCountries: string[];
  /** Paid orders in the window, this one included, sharing each signal. */
  velocity: {
    email: number | null;
    ip: number | null;
    device: number | null;
    fingerprint: number | null;
    recipient: number | null;
  };
  /** Distinct e-mails that ordered from the device or the IP in the window, this order's included. */
  emailsOnDevice: number | null;
  emailsOnIp: number | null;
  /** Paid orders of the same e-mail before this one, ever. */
  previousOrders: number | null;
  lists: ListHit[];
}

export type FastFacts = Pick<OrderFacts, "amount" | "ipCountry" | "cardCountry" | "recipientCountries" | "lists">;

const VELOCITY: [OrderRule, keyof OrderFacts["velocity"]][] = [
  ["velocity_email", "email"],
  ["velocity_ip", "ip"],
  ["velocity_device", "device"],
  ["velocity_fingerprint", "fingerprint"],
  ["velocity_recipient", "recipient"],
];

const upper = (value: string | null) => (value ? value.toUpperCase() : null);

function regionContributions(facts: FastFacts, settings: RiskSettings): Contribution[] {
  const out: Contribution[] = [];
  const ip = upper(facts.ipCountry);
  const card = upper(facts.cardCountry);
  const payment = settings.rules.region_mismatch_payment;
  if (payment.enabled && ip && card && ip !== card) {
    out.push({ rule: "region_mismatch_payment", points: payment.weight, observed: `${ip}≠${card}`, limit: null });
  }
  const recipient = settings.rules.region_mismatch_recipient;
  const foreign = facts.recipientCountries.map(upper).find((country) => ip && country && country !== ip);
  if (recipient.enabled && ip && foreign) {
    out.push({
      rule: "region_mismatch_recipient",
      points: recipient.weight,
      observed: `${ip}≠${foreign}`,
      limit: null,
    });
  }
  return out;
}

function listContributions(hits: ListHit[], settings: RiskSettings): Contribution[] {
  return hits.map((hit) => ({
    rule: hit.list === "block" ? "blocklist" : "allowlist",
    // A block hit alone reaches the block cut-off, so "score ≥ blockAt ⇔ block" holds for it too.
    points: hit.list === "block" ? settings.blockAt : 0,
    observed: `${hit.kind}:${hit.value}`,
    limit: null,
  }));
}

export function decide(score: number, settings: RiskSettings, hits: ListHit[] = []): Decision {
  if (hits.some((hit) => hit.list === "block")) return "block";
  if (hits.some((hit) => hit.list === "allow")) return "allow";
  if (score >= settings.blockAt) return "block";
  if (score >= settings.reviewAt) return "review";
  return "allow";
}

/** Every rule over the full facts, as the `risk` queue's consumer runs it. */
export function assessOrder(facts: OrderFacts, settings: RiskSettings): Assessment {
  const contributions: Contribution[] = [...listContributions(facts.lists, settings)];
  for (const [rule, signal] of VELOCITY) {
    const setting = settings.rules[rule];
    const observed = facts.velocity[signal];
    if (setting.enabled && observed !== null && observed > setting.limit) {
      contributions.push({ rule, points: setting.weight, observed, limit: setting.limit });
    }
  }
  for (const [rule, observed] of [
    ["emails_per_device", facts.emailsOnDevice],
    ["emails_per_ip", facts.emailsOnIp],
  ] as const) {
    const setting = settings.rules[rule];
    if (setting.enabled && observed !== null && observed > setting.limit) {
      contributions.push({ rule, points: setting.weight, observed, limit: setting.limit });
    }
  }
  const large = settings.rules.new_customer_large_order;
  if (large.enabled && facts.previousOrders === 0 && facts.amount >= large.limit) {
    contributions.push({
      rule: "new_customer_large_order",
      points: large.weight,
      observed: facts.amount,
      limit: large.limit,
    });
  }
  contributions.push(...regionContributions(facts, settings));
  const score = contributions.reduce((total, contribution) => total + contribution.points, 0);
  return { score, decision: decide(score, settings, facts.lists), contributions };
}

export type Screening =
  | { outcome: "block"; assessment: Assessment }
  | { outcome: "allow"; assessment: Assessment | null }
  | { outcome: "score"; softFlags: OrderRule[] };

/**
 * The fast rules, inline in the payment webhook with the facts it already holds: a blocklist hit
 * blocks and an allowlist hit allows at once (both recorded); an order below the merchant's value
 * threshold that trips no soft rule is fulfilled at once, with nothing recorded and no queue;
 * anything else waits for the `risk` queue.
 */
export function screenOrder(facts: FastFacts, settings: RiskSettings): Screening {
  const lists = listContributions(facts.lists, settings);
  const decision = decide(0, settings, facts.lists);
  if (facts.lists.length > 0 && decision !== "allow") {
    return { outcome: "block", assessment: { score: sum(lists), decision, contributions: lists } };
  }
  if (facts.lists.length > 0) {
    return { outcome: "allow", assessment: { score: 0, decision: "allow", contributions: lists } };
  }
  const softFlags = regionContributions(facts, settings)
    .map((contribution) => contribution.rule as OrderRule)
    .filter((rule) => SOFT_RULES.includes(rule));
  if (facts.amount < settings.scoreFrom && softFlags.length === 0) return { outcome: "allow", assessment: null };
  return { outcome: "score", softFlags };
}

const sum = (contributions: Contribution[]) => contributions.reduce((total, c) => total + c.points, 0);

/** The country a top-up recipient's account belongs to, where its template says. */
export function recipientCountry(template: string | null): string | null {
  return template === "mobile_cn" || template === "qq" ? "CN" : null;
}
