// The shapes of the /v1/admin/risk/* answers the risk pages read (see the OpenAPI document).
import type { Money } from "../lib/types";

export interface Contribution {
  rule: string;
  points: number;
  observed: string | number;
  limit: string | number | null;
}

export interface ReviewItem {
  orderId: string;
  email: string;
  total: Money;
  items: { productName: string; quantity: number }[];
  stage: "scoring" | "review";
  score: number | null;
  decision: "allow" | "review" | "block" | null;
  contributions: Contribution[];
  signals: { ip: string | null; ipCountry: string | null; deviceId: string | null; cardCountry: string | null };
  createdAt: string | null;
  paidAt: string | null;
}

export const LIST_KINDS = ["email", "ip_range", "device", "payment_fingerprint", "recipient_account"] as const;
export type ListKind = (typeof LIST_KINDS)[number];

export interface ListEntry {
  id: string;
  kind: ListKind;
  list: "block" | "allow";
  value: string;
  note: string | null;
  createdBy: string;
  createdAt: string;
}

export interface DecisionEntry {
  id: string;
  orderId: string;
  action: "allow" | "review" | "block" | "approve" | "reject";
  actor: string;
  automatic: boolean;
  overruled: string | null;
  note: string | null;
  score: number | null;
  createdAt: string | null;
}

export interface Alert {
  id: string;
  kind: "impossible_travel" | "partner_burst" | "outside_region" | "outside_hours";
  redemptionId: string;
  codeId: string;
  partnerId: string | null;
  location: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
}

export interface RuleSetting {
  enabled: boolean;
  weight: number;
  limit: number;
}

export interface RiskSettings {
  scoreFrom: number;
  reviewAt: number;
  blockAt: number;
  windowHours: number;
  rules: Record<string, RuleSetting>;
  redemption: {
    enabled: boolean;
    travelKmh: number;
    burstLimit: number;
    burstWindowMinutes: number;
    locations: Record<string, { lat: number; lon: number; region: string | null }>;
    skus: Record<string, { regions: string[]; hours: { from: number; to: number } | null; timeZone: string }>;
  };
}
