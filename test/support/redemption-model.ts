import type { SequentialModel } from "./linearizability";

/**
 * The sequential specification of one voucher code as partners see it over HTTP
 * (`POST /v1/partner/verifications`, `…/redemptions`, `…/redemptions/{id}/reversal`): the uses
 * left, the redemptions taken and whether each was reversed, and what each Idempotency-Key
 * answered first. Written from the API's contract, not from the ledger's code.
 */

export type CodeCall =
  | { kind: "verify"; partner: string; foreign?: boolean }
  | { kind: "redeem"; partner: string; foreign?: boolean; key?: string; location?: string }
  | { kind: "reverse"; partner: string; foreign?: boolean; redemptionId: string };

/** A response reduced to what the specification speaks about. */
export interface CodeAnswer {
  status: number;
  /** Problem `code` of a 4xx. */
  code?: string;
  /** Redemption id (redeem) or reversed redemption id (reverse). */
  id?: string;
  remainingUses?: number;
  codeStatus?: string;
  /** `Idempotent-Replayed: true` was on the response. */
  replayed?: boolean;
}

export interface CodeState {
  total: number;
  remaining: number;
  /** Redemption id → who took it and whether it was given back. */
  redemptions: Readonly<Record<string, { partner: string; reversed: boolean }>>;
  /** `partner:key` → the body it was first sent with and the answer it got. */
  keys: Readonly<Record<string, { location: string | null; answer: CodeAnswer }>>;
}

const statusFor = (remaining: number) => (remaining > 0 ? "active" : "redeemed");

const same = (a: CodeAnswer, b: CodeAnswer) =>
  a.status === b.status && a.code === b.code && a.id === b.id && a.remainingUses === b.remainingUses;

/** Answers that the Idempotency-Key layer keeps and replays (2xx, 404, 409, 422). */
const replayable = (answer: CodeAnswer) =>
  (answer.status >= 200 && answer.status < 300) || [404, 409, 422].includes(answer.status);

/** An unknown (or foreign) code is answered afresh under its key, without the replay header: keeping it would let guesses create storage. */
const afresh = (answer: CodeAnswer) => answer.status === 404;

export function codeModel(uses: number): SequentialModel<CodeState, CodeCall, CodeAnswer> {
  return {
    init: { total: uses, remaining: uses, redemptions: {}, keys: {} },
    key: (state) =>
      JSON.stringify([
        state.remaining,
        Object.entries(state.redemptions).sort(([a], [b]) => (a < b ? -1 : 1)),
        Object.entries(state.keys).sort(([a], [b]) => (a < b ? -1 : 1)),
      ]),
    step(state, call, answer) {
      switch (call.kind) {
        case "verify":
          if (call.foreign) return answer.status === 404 && answer.code === "code_not_found" ? state : null;
          return answer.status === 200 &&
            answer.remainingUses === state.remaining &&
            answer.codeStatus === statusFor(state.remaining)
            ? state
            : null;
        case "redeem":
          return redeemStep(state, call, answer);
        case "reverse":
          return reverseStep(state, call, answer);
      }
    },
  };
}

function redeemStep(
  state: CodeState,
  call: Extract<CodeCall, { kind: "redeem" }>,
  answer: CodeAnswer,
): CodeState | null {
  const location = call.location ?? null;
  const scope = call.key === undefined ? null : `${call.partner}:${call.key}`;
  if (scope !== null) {
    // Refused because the first request with this key is still running: takes nothing.
    if (answer.status === 409 && answer.code === "idempotency_key_in_use") return state;
    const first = state.keys[scope];
    if (first) {
      if (first.location !== location) {
        return answer.status === 422 && answer.code === "idempotency_key_reused" ? state : null;
      }
      if (afresh(first.answer)) return !answer.replayed && same(answer, first.answer) ? state : null;
      return answer.replayed === true && same(answer, first.answer) ? state : null;
    }
  }
  if (answer.replayed) return null;

  let next: CodeState | null;
  if (call.foreign) {
    next = answer.status === 404 && answer.code === "code_not_found" ? state : null;
  } else if (state.remaining > 0) {
    const remaining = state.remaining - 1;
    const ok =
      answer.status === 201 &&
      typeof answer.id === "string" &&
      !(answer.id in state.redemptions) &&
      answer.remainingUses === remaining &&
      answer.codeStatus === statusFor(remaining);
    next = ok
      ? {
          ...state,
          remaining,
          redemptions: { ...state.redemptions, [answer.id as string]: { partner: call.partner, reversed: false } },
        }
      : null;
  } else {
    next = answer.status === 409 && answer.code === "code_already_redeemed" ? state : null;
  }
  if (next === null || scope === null || !replayable(answer)) return next;
  return { ...next, keys: { ...next.keys, [scope]: { location, answer } } };
}

function reverseStep(
  state: CodeState,
  call: Extract<CodeCall, { kind: "reverse" }>,
  answer: CodeAnswer,
): CodeState | null {
  const notFound = answer.status === 404 && answer.code === "not_found" ? state : null;
  if (call.foreign) return notFound;
  const redemption = state.redemptions[call.redemptionId];
  if (!redemption || redemption.partner !== call.partner) return notFound;
  if (redemption.reversed) return answer.status === 409 && answer.code === "already_reversed" ? state : null;
  const remaining = Math.min(state.total, state.remaining + 1);
  const ok =
    answer.status === 200 &&
    answer.id === call.redemptionId &&
    answer.remainingUses === remaining &&
    answer.codeStatus === statusFor(remaining);
  if (!ok) return null;
  return {
    ...state,
    remaining,
    redemptions: { ...state.redemptions, [call.redemptionId]: { ...redemption, reversed: true } },
  };
}
