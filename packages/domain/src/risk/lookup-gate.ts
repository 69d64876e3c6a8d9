/**
 * One partner key's (or one IP's) recent code look-ups, as its RateGate holds them. Only
 * `failures` and `lockedUntil` are kept in storage; the calls of the last minute and the
 * look-ups in flight live in the object's memory, so an honest look-up writes nothing.
 */
export interface LookupState {
  /** When each failed look-up still inside the window happened. */
  failures: number[];
  lockedUntil: number;
  /** Admitted look-ups whose outcome is not known yet: each may still turn out a failure. */
  inFlight: number;
  /** A sliding window of all calls: the previous minute weighted by its overlap, plus this one. */
  minute: { start: number; current: number; previous: number };
}

export const EMPTY_LOOKUPS: LookupState = {
  failures: [],
  lockedUntil: 0,
  inFlight: 0,
  minute: { start: 0, current: 0, previous: 0 },
};

export interface LookupAsk {
  now: number;
  failureLimit: number;
  windowMs: number;
  lockoutMs: number;
  /** 0: no limit on calls, only on failures. */
  requestsPerMinute: number;
}

/** `lockedOut`: refused by a lockout (which only time ends), not by a limit that lifts within a minute. */
export type LookupVerdict = { ok: true } | { ok: false; retryAfterMs: number; lockedOut: boolean };

/** `persist`: the failures or the lockout changed, so storage must be written. */
export interface LookupStep {
  state: LookupState;
  persist: boolean;
}

const MINUTE = 60_000;
/** How long a caller waits while its look-ups in flight fill what is left of its budget. */
const IN_FLIGHT_WAIT_MS = 1000;

function roll(minute: LookupState["minute"], now: number): LookupState["minute"] {
  const start = Math.floor(now / MINUTE) * MINUTE;
  if (minute.start === start) return minute;
  return { start, current: 0, previous: minute.start === start - MINUTE ? minute.current : 0 };
}

/**
 * Admits one look-up: refused while locked out, when the calls of the last minute are at their
 * limit, or when the failures inside the window are (which locks the caller out for
 * `lockoutMs`). Failures and look-ups in flight together never pass the limit, so of any number
 * of parallel guesses exactly `failureLimit` are looked up: each admitted guess either fails
 * (and stays counted) or turns out fine (and is forgiven by `settleLookup`).
 */
export function admitLookup(current: LookupState, ask: LookupAsk): LookupStep & { verdict: LookupVerdict } {
  const { now } = ask;
  const minute = roll(current.minute, now);
  const failures = current.failures.filter((at) => at > now - ask.windowMs);
  const state = { ...current, minute, failures };
  if (state.lockedUntil > now) {
    return { state, persist: false, verdict: { ok: false, retryAfterMs: state.lockedUntil - now, lockedOut: true } };
  }
  if (ask.requestsPerMinute > 0) {
    const estimate = Math.floor(minute.previous * (1 - (now - minute.start) / MINUTE)) + minute.current;
    if (estimate >= ask.requestsPerMinute) {
      const retryAfterMs = minute.start + MINUTE - now;
      return { state, persist: false, verdict: { ok: false, retryAfterMs, lockedOut: false } };
    }
  }
  if (failures.length >= ask.failureLimit) {
    return {
      state: { ...state, lockedUntil: now + ask.lockoutMs },
      persist: true,
      verdict: { ok: false, retryAfterMs: ask.lockoutMs, lockedOut: true },
    };
  }
  if (failures.length + state.inFlight >= ask.failureLimit) {
    return { state, persist: false, verdict: { ok: false, retryAfterMs: IN_FLIGHT_WAIT_MS, lockedOut: false } };
  }
  return {
    state: { ...state, inFlight: state.inFlight + 1, minute: { ...minute, current: minute.current + 1 } },
    persist: false,
    verdict: { ok: true },
  };
}

/** An admitted look-up ended: a failure (`code_not_found`) counts, anything else is forgiven. */
export function settleLookup(state: LookupState, failed: boolean, now: number): LookupStep {
  // After an eviction the count of look-ups in flight starts again from zero.
  const inFlight = Math.max(0, state.inFlight - 1);
  if (!failed) return { state: { ...state, inFlight }, persist: false };
  return { state: { ...state, inFlight, failures: [...state.failures, now] }, persist: true };
}
