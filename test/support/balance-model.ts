import type { SequentialModel } from "./linearizability";

/**
 * The sequential specification of one stored-value code as partners see it over HTTP: the
 * balance left, and each redemption's amount and whether it was reversed. A redemption spends
 * its amount when the balance covers it and is refused with `insufficient_balance` otherwise; a
 * reversal gives its amount back once. Written from the API's contract, not from the ledger.
 */

export type BalanceCall =
  | { kind: "verify"; partner: string }
  | { kind: "redeem"; partner: string; amount: number }
  | { kind: "reverse"; partner: string; redemptionId: string };

export interface BalanceAnswer {
  status: number;
  code?: string;
  id?: string;
  /** The balance the answer reports (after the call, for redeem and reverse). */
  balance?: number;
}

export interface BalanceState {
  total: number;
  remaining: number;
  redemptions: Readonly<Record<string, { partner: string; amount: number; reversed: boolean }>>;
}

export function balanceModel(total: number): SequentialModel<BalanceState, BalanceCall, BalanceAnswer> {
  return {
    init: { total, remaining: total, redemptions: {} },
    key: (state) =>
      JSON.stringify([state.remaining, Object.entries(state.redemptions).sort(([a], [b]) => (a < b ? -1 : 1))]),
    step(state, call, answer) {
      switch (call.kind) {
        case "verify":
          return answer.status === 200 && answer.balance === state.remaining ? state : null;
        case "redeem": {
          if (call.amount > state.remaining) {
            return answer.status === 409 && answer.code === "insufficient_balance" ? state : null;
          }
          const remaining = state.remaining - call.amount;
          const ok =
            answer.status === 201 &&
            typeof answer.id === "string" &&
            !(answer.id in state.redemptions) &&
            answer.balance === remaining;
          if (!ok) return null;
          return {
            ...state,
            remaining,
            redemptions: {
              ...state.redemptions,
              [answer.id as string]: { partner: call.partner, amount: call.amount, reversed: false },
            },
          };
        }
        case "reverse": {
          const redemption = state.redemptions[call.redemptionId];
          if (!redemption || redemption.partner !== call.partner) {
            return answer.status === 404 && answer.code === "not_found" ? state : null;
          }
          if (redemption.reversed) return answer.status === 409 && answer.code === "already_reversed" ? state : null;
          const remaining = Math.min(state.total, state.remaining + redemption.amount);
          if (answer.status !== 200 || answer.id !== call.redemptionId || answer.balance !== remaining) return null;
          return {
            ...state,
            remaining,
            redemptions: { ...state.redemptions, [call.redemptionId]: { ...redemption, reversed: true } },
          };
        }
      }
    },
  };
}
