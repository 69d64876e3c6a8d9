/** One partner key's (or one IP's) recent code look-ups, as its RateGate keeps them. */
export interface LookupState {
  /** A sliding window of all calls: the previous minute weighted by its overlap, plus this one. */
  minute: { start: number; current: number; previous: number };
  /**
   * Look-ups counted as failed: each admitted look-up is counted at once and forgiven when it
   * found its code, so parallel guesses cannot slip past the limit while in flight.
   */
  failures: { ticket: number; at: number }[];
  nextTicket: number;
  lockedUntil: number;
}

export const EMPTY_LOOKUPS: LookupState = {
  minute: { start: 0, current: 0, previous: 0 },
  failures: [],
  nextTicket: 1,
  lockedUntil: 0,
};

export interface LookupAsk {
  now: number;
  failureLimit: number;
  windowMs: number;
  lockoutMs: number;
  /** 0: no limit on calls, only on failures. */
  requestsPerMinute: number;
}

/** `lockedOut`: refused by a lockout (which only time ends), not by the calls-per-minute limit. */
export type LookupVerdict = { ok: true; ticket: number } | { ok: false; retryAfterMs: number; lockedOut: boolean };

const MINUTE = 60_000;

function roll(minute: LookupState["minute"], now: number): LookupState["minute"] {
  const start = Math.floor(now / MINUTE) * MINUTE;
  if (minute.start === start) return minute;
  return { start, current: 0, previous: minute.start === start - MINUTE ? minute.current : 0 };
}

/**
 * Admits one look-up: refused while locked out, or when the calls of the last minute or the
 * failures inside the window are at their limit (which locks the caller out for `lockoutMs`).
 * Of any number of parallel look-ups, at most `failureLimit` minus the failures already counted
 * are admitted until some are forgiven.
 */
export function admitLookup(current: LookupState, ask: LookupAsk): { state: LookupState; verdict: LookupVerdict } {
  const { now } = ask;
  const minute = roll(current.minute, now);
  const failures = current.failures.filter((failure) => failure.at > now - ask.windowMs);
  const state = { ...current, minute, failures };
  if (state.lockedUntil > now) {
    return { state, verdict: { ok: false, retryAfterMs: state.lockedUntil - now, lockedOut: true } };
  }
  if (ask.requestsPerMinute > 0) {
    const estimate = Math.floor(minute.previous * (1 - (now - minute.start) / MINUTE)) + minute.current;
    if (estimate >= ask.requestsPerMinute) {
      return { state, verdict: { ok: false, retryAfterMs: minute.start + MINUTE - now, lockedOut: false } };
    }
  }
  if (failures.length >= ask.failureLimit) {
    const lockedUntil = now + ask.lockoutMs;
    return { state: { ...state, lockedUntil }, verdict: { ok: false, retryAfterMs: ask.lockoutMs, lockedOut: true } };
  }
  const ticket = state.nextTicket;
  return {
    state: {
      ...state,
      minute: { ...minute, current: minute.current + 1 },
      failures: [...failures, { ticket, at: now }],
      nextTicket: ticket + 1,
    },
    verdict: { ok: true, ticket },
  };
}

/** The look-up of `ticket` found its code (or was never made): it is no failure. */
export function forgiveLookup(state: LookupState, ticket: number): LookupState {
  return { ...state, failures: state.failures.filter((failure) => failure.ticket !== ticket) };
}
