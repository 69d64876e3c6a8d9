/**
 * The forms a first-party code takes, and the rules of each, as pure decisions over a code's
 * state. A plain `{ uses, validDays }` policy (no `terms`) is the voucher and count card of
 * old, so codes armed before these forms existed keep their meaning.
 *
 * - `uses`: N redemptions, optionally at least `minIntervalSeconds` apart (次卡).
 * - `balance`: stored value in the SKU's minor units, spent in partial redemptions.
 * - `time`: valid for `durationSeconds` from its first use or from purchase, on allowed
 *   weekdays and hours of the merchant's clock (时长卡); any number of uses in that window.
 * - `seats`: a licence key activated on at most `seats` devices at once.
 */
import type { CodePolicy, CodeState, CodeStatus } from "./code-policy";
import type { ProductKind } from "./product-kinds";
import { wallClock } from "./zoned-time";

export const CODE_FORMS = ["uses", "balance", "time", "seats"] as const;
export type CodeForm = (typeof CODE_FORMS)[number];

export const TIME_STARTS = ["activation", "purchase"] as const;
export type TimeStart = (typeof TIME_STARTS)[number];

export interface UsesTerms {
  form: "uses";
  /** Seconds that must pass after a use before the next one; null for none. */
  minIntervalSeconds: number | null;
}

export interface BalanceTerms {
  form: "balance";
  /** The value loaded on the code, in minor units of the SKU's currency. */
  balance: number;
}

/** Local hours `HH:MM`–`HH:MM`; a window whose end is before its start runs past midnight. */
export interface HourWindow {
  from: string;
  to: string;
}

export interface TimeTerms {
  form: "time";
  durationSeconds: number;
  start: TimeStart;
  /** ISO weekdays (1 = Monday … 7 = Sunday) the card may be used on; null for every day. */
  weekdays: number[] | null;
  hours: HourWindow | null;
  /** The IANA zone whose clock the weekdays and hours are read in. */
  timeZone: string;
}

export interface SeatsTerms {
  form: "seats";
  seats: number;
}

export type FormTerms = UsesTerms | BalanceTerms | TimeTerms | SeatsTerms;

/** The minted kinds and the form each one's codes take; other kinds are not armed in a ledger. */
const FORM_OF_KIND: Partial<Record<ProductKind, CodeForm>> = {
  voucher: "uses",
  stored_value: "balance",
  time_card: "time",
  licence: "seats",
};

export function formOfKind(kind: ProductKind): CodeForm | null {
  return FORM_OF_KIND[kind] ?? null;
}

export const isMintedKind = (kind: ProductKind): boolean => formOfKind(kind) !== null;

export function formOf(policy: CodePolicy): CodeForm {
  return policy.terms?.form ?? "uses";
}

/** What a ledger keeps about one code, beyond the uses every form shares. */
export interface LedgerState extends CodeState {
  issuedAt: number;
  /** Stored value only: loaded and left, in minor units; 0 for other forms. */
  balanceTotal: number;
  balanceRemaining: number;
  /** The latest use not reversed; null before the first. */
  lastUsedAt: number | null;
  /** Time cards counted from activation: the first use; null until then. */
  activatedAt: number | null;
  /** Licences: devices holding a seat now. */
  seatsUsed: number;
}

const DAY_MS = 86_400_000;

export function initialState(policy: CodePolicy, issuedAt: number): LedgerState {
  const terms = policy.terms;
  const uses = terms === undefined || terms === null || terms.form === "uses" ? policy.uses : 1;
  const balance = terms?.form === "balance" ? terms.balance : 0;
  return {
    usesTotal: uses,
    usesRemaining: uses,
    expiresAt: policy.validDays === null ? null : issuedAt + policy.validDays * DAY_MS,
    voidedAt: null,
    issuedAt,
    balanceTotal: balance,
    balanceRemaining: balance,
    lastUsedAt: null,
    activatedAt: null,
    seatsUsed: 0,
  };
}

/**
 * When a time card's window closes: from purchase it is fixed, from activation it is unknown
 * (null) until the first use. Earlier of that and the policy's `validDays` expiry.
 */
export function validUntil(policy: CodePolicy, state: LedgerState): number | null {
  const terms = policy.terms;
  if (terms?.form !== "time") return state.expiresAt;
  const start = terms.start === "purchase" ? state.issuedAt : state.activatedAt;
  const end = start === null ? null : start + terms.durationSeconds * 1000;
  if (end === null) return state.expiresAt;
  return state.expiresAt === null ? end : Math.min(end, state.expiresAt);
}

/** The status a holder sees: voided wins over used up, which wins over expired. */
export function statusOfCode(policy: CodePolicy, state: LedgerState, now: number): CodeStatus {
  if (state.voidedAt !== null) return "voided";
  const form = formOf(policy);
  if (form === "uses" && state.usesRemaining <= 0) return "redeemed";
  if (form === "balance" && state.balanceRemaining <= 0) return "redeemed";
  const until = validUntil(policy, state);
  if (until !== null && now >= until) return "expired";
  return "active";
}

export type UseRefusal =
  | "code_voided"
  | "code_already_redeemed"
  | "code_expired"
  | "code_too_soon"
  | "insufficient_balance"
  | "outside_allowed_hours"
  | "amount_required"
  | "amount_not_applicable"
  | "code_form_mismatch";

/**
 * Whether one use (of `amount` minor units, for stored value) may be taken now, and if not
 * the documented reason. A licence is activated, never redeemed.
 */
export function refuseUse(
  policy: CodePolicy,
  state: LedgerState,
  now: number,
  amount: number | null = null,
): UseRefusal | null {
  const form = formOf(policy);
  if (form === "seats") return "code_form_mismatch";
  if (form === "balance" && amount === null) return "amount_required";
  if (form !== "balance" && amount !== null) return "amount_not_applicable";
  const status = statusOfCode(policy, state, now);
  if (status === "voided") return "code_voided";
  if (status === "expired") return "code_expired";
  const terms = policy.terms;
  switch (terms?.form) {
    case "balance":
      return amount !== null && amount > state.balanceRemaining ? "insufficient_balance" : null;
    case "time":
      return isWithinAllowedTime(terms, now) ? null : "outside_allowed_hours";
    default:
      if (status === "redeemed") return "code_already_redeemed";
      if (
        terms?.form === "uses" &&
        terms.minIntervalSeconds !== null &&
        state.lastUsedAt !== null &&
        now < state.lastUsedAt + terms.minIntervalSeconds * 1000
      ) {
        return "code_too_soon";
      }
      return null;
  }
}

/** When the next use is allowed after a `code_too_soon`, for a Retry-After. */
export function nextUseAt(policy: CodePolicy, state: LedgerState): number | null {
  const terms = policy.terms;
  if (terms?.form !== "uses" || terms.minIntervalSeconds === null || state.lastUsedAt === null) return null;
  return state.lastUsedAt + terms.minIntervalSeconds * 1000;
}

/** The state after a use `refuseUse` allowed. */
export function afterUse(policy: CodePolicy, state: LedgerState, now: number, amount: number | null): LedgerState {
  switch (formOf(policy)) {
    case "balance":
      return { ...state, balanceRemaining: state.balanceRemaining - (amount ?? 0), lastUsedAt: now };
    case "time":
      return { ...state, activatedAt: state.activatedAt ?? now, lastUsedAt: now };
    default:
      return { ...state, usesRemaining: state.usesRemaining - 1, lastUsedAt: now };
  }
}

/**
 * The state after a use is reversed: its use or amount comes back, never beyond what the policy
 * granted. `lastUseLeft` is the latest use still standing, for the count card's interval. A time
 * card stays activated: its window was opened, and reversing one entry does not close it.
 */
export function afterUseReversed(
  policy: CodePolicy,
  state: LedgerState,
  amount: number | null,
  lastUseLeft: number | null,
): LedgerState {
  switch (formOf(policy)) {
    case "balance":
      return {
        ...state,
        balanceRemaining: Math.min(state.balanceTotal, state.balanceRemaining + (amount ?? 0)),
        lastUsedAt: lastUseLeft,
      };
    case "time":
      return { ...state, lastUsedAt: lastUseLeft };
    default:
      return {
        ...state,
        usesRemaining: Math.min(state.usesTotal, state.usesRemaining + 1),
        lastUsedAt: lastUseLeft,
      };
  }
}

export type ActivationRefusal = "code_voided" | "code_expired" | "seats_full" | "code_form_mismatch";

/**
 * Whether a device may take a seat now. A device that already holds one is not refused (its
 * activation is simply confirmed), so a retried activation never takes a second seat.
 */
export function refuseActivation(
  policy: CodePolicy,
  state: LedgerState,
  now: number,
  deviceHoldsSeat: boolean,
): ActivationRefusal | null {
  const terms = policy.terms;
  if (terms?.form !== "seats") return "code_form_mismatch";
  const status = statusOfCode(policy, state, now);
  if (status === "voided") return "code_voided";
  if (status === "expired") return "code_expired";
  if (deviceHoldsSeat) return null;
  return state.seatsUsed >= terms.seats ? "seats_full" : null;
}

export function afterActivation(state: LedgerState): LedgerState {
  return { ...state, seatsUsed: state.seatsUsed + 1 };
}

export function afterDeactivation(state: LedgerState): LedgerState {
  return { ...state, seatsUsed: Math.max(0, state.seatsUsed - 1) };
}

export function seatsOf(policy: CodePolicy): number | null {
  return policy.terms?.form === "seats" ? policy.terms.seats : null;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isHourMinute(text: string): boolean {
  return HH_MM.test(text);
}

function minuteOfDay(text: string): number {
  const match = HH_MM.exec(text);
  if (!match) throw new RangeError(`not a time of day: ${text}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The ISO weekday (1 = Monday) a zone's calendar shows at `instant`. */
export function weekdayAt(instant: number, timeZone: string): number {
  const { year, month, day } = wallClock(instant, timeZone);
  const sundayZero = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return sundayZero === 0 ? 7 : sundayZero;
}

/**
 * Whether a time card may be used at `now` on the merchant's clock. The weekday is the one the
 * clock shows at the moment of use, also inside a window that runs past midnight; `from` is
 * allowed, `to` is not (09:00–18:00 admits 17:59 and refuses 18:00).
 */
export function isWithinAllowedTime(terms: TimeTerms, now: number): boolean {
  if (terms.weekdays !== null && !terms.weekdays.includes(weekdayAt(now, terms.timeZone))) return false;
  if (terms.hours === null) return true;
  const clock = wallClock(now, terms.timeZone);
  const minute = clock.hour * 60 + clock.minute;
  const from = minuteOfDay(terms.hours.from);
  const to = minuteOfDay(terms.hours.to);
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

export type TermsProblem = { path: string; message: string } | null;

/**
 * Whether a SKU's terms fit its product's kind: each minted kind takes its own form (a voucher
 * may also take none), other kinds take none. Ranges are the API schema's; this is the rule
 * the schema cannot say.
 */
export function checkTerms(kind: ProductKind, terms: FormTerms | null): TermsProblem {
  const form = formOfKind(kind);
  if (terms === null) {
    return form === null || form === "uses"
      ? null
      : { path: "policy.terms", message: `A ${kind} SKU needs its ${form} terms` };
  }
  if (form !== terms.form) {
    return {
      path: "policy.terms.form",
      message: form === null ? `A ${kind} SKU takes no code terms` : `A ${kind} SKU takes "${form}" terms`,
    };
  }
  if (terms.form === "time") {
    if (terms.hours && minuteOfDay(terms.hours.from) === minuteOfDay(terms.hours.to)) {
      return { path: "policy.terms.hours", message: "The hours window is empty: from equals to" };
    }
    if (terms.weekdays && new Set(terms.weekdays).size !== terms.weekdays.length) {
      return { path: "policy.terms.weekdays", message: "A weekday is listed twice" };
    }
  }
  return null;
}
