import type { FormTerms } from "./code-forms";

/** How a first-party code may be used, fixed when its ledger is armed. */
export interface CodePolicy {
  /** Number of redemptions allowed; 1 for a single-use voucher, N for a count card (次卡). */
  uses: number;
  /** Days of validity counted from issuance; null for no expiry. */
  validDays: number | null;
  /** The form's own terms (stored value, time card, licence, count-card interval); absent for a plain voucher. */
  terms?: FormTerms | null;
}

export const DEFAULT_POLICY: CodePolicy = { uses: 1, validDays: null };

export type CodeStatus = "active" | "redeemed" | "expired" | "voided";

export interface CodeState {
  usesTotal: number;
  usesRemaining: number;
  expiresAt: number | null;
  voidedAt: number | null;
}

export type RedeemRefusal = "code_already_redeemed" | "code_expired" | "code_voided";

const DAY_MS = 86_400_000;

export function expiryOf(policy: CodePolicy, issuedAt: number): number | null {
  return policy.validDays === null ? null : issuedAt + policy.validDays * DAY_MS;
}

/** The status a holder sees: voided wins over used up, which wins over expired. */
export function statusOf(state: CodeState, now: number): CodeStatus {
  if (state.voidedAt !== null) return "voided";
  if (state.usesRemaining <= 0) return "redeemed";
  if (state.expiresAt !== null && now >= state.expiresAt) return "expired";
  return "active";
}

/** Whether one more use may be taken now, and if not, the documented reason. */
export function refuseRedemption(state: CodeState, now: number): RedeemRefusal | null {
  switch (statusOf(state, now)) {
    case "voided":
      return "code_voided";
    case "redeemed":
      return "code_already_redeemed";
    case "expired":
      return "code_expired";
    default:
      return null;
  }
}

/** A reversal gives a use back, but never more than the policy granted. */
export function afterReversal(state: CodeState): CodeState {
  return { ...state, usesRemaining: Math.min(state.usesTotal, state.usesRemaining + 1) };
}

export function afterRedemption(state: CodeState): CodeState {
  return { ...state, usesRemaining: state.usesRemaining - 1 };
}
