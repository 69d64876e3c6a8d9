import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

export interface GateDecision {
  allowed: boolean;
  /** Hits counted in the window, including this one when it was allowed. */
  count: number;
  /** Seconds until a blocked caller may try again. */
  retryAfter: number;
}

interface Attempts {
  /** When each attempt still inside the window was made. */
  log: number[];
  lockedUntil: number;
}

interface Window {
  start: number;
  current: number;
  previous: number;
  lockedUntil: number;
}

/**
 * One object per limited key (an IP, a partner key, an email): a sliding-window counter
 * (the previous fixed window weighted by how much of it still overlaps) and an optional
 * lockout. The windows live in storage so an eviction does not forgive a locked-out caller.
 */
export class RateGate extends DurableObject<Env> {
  /** Counts one hit against `limit` per `windowMs`; once over, blocks for `lockoutMs` (or the window). */
  hit(limit: number, windowMs: number, lockoutMs = 0, now: number = Date.now()): GateDecision {
    const state = this.#roll(this.ctx.storage.kv.get<Window>("window"), windowMs, now);
    if (state.lockedUntil > now) {
      return {
        allowed: false,
        count: this.#estimate(state, windowMs, now),
        retryAfter: seconds(state.lockedUntil - now),
      };
    }
    const estimate = this.#estimate(state, windowMs, now);
    if (estimate >= limit) {
      const lockedUntil = lockoutMs > 0 ? now + lockoutMs : state.start + windowMs;
      this.ctx.storage.kv.put("window", { ...state, lockedUntil });
      return { allowed: false, count: estimate, retryAfter: seconds(lockedUntil - now) };
    }
    const next = { ...state, current: state.current + 1 };
    this.ctx.storage.kv.put("window", next);
    return { allowed: true, count: estimate + 1, retryAfter: 0 };
  }

  /** Reads the gate without counting: is the caller locked out right now? */
  peek(windowMs: number, now: number = Date.now()): GateDecision {
    const state = this.#roll(this.ctx.storage.kv.get<Window>("window"), windowMs, now);
    const locked = state.lockedUntil > now;
    return {
      allowed: !locked,
      count: this.#estimate(state, windowMs, now),
      retryAfter: locked ? seconds(state.lockedUntil - now) : 0,
    };
  }

  /**
   * Counts one attempt exactly (a log of the attempts still in the window, not an estimate):
   * with `limit` attempts already inside `windowMs`, this one is refused and the key locked for
   * `lockoutMs`. Calls are applied one at a time, so of any number of parallel attempts exactly
   * `limit` get through. Used for sign-in lockouts, where a guess must never slip past.
   */
  attempt(limit: number, windowMs: number, lockoutMs: number, now: number = Date.now()): GateDecision {
    const state = this.ctx.storage.kv.get<Attempts>("attempts") ?? { log: [], lockedUntil: 0 };
    if (state.lockedUntil > now) {
      return { allowed: false, count: state.log.length, retryAfter: seconds(state.lockedUntil - now) };
    }
    const log = state.log.filter((at) => at > now - windowMs);
    if (log.length >= limit) {
      const lockedUntil = now + lockoutMs;
      this.ctx.storage.kv.put("attempts", { log, lockedUntil });
      return { allowed: false, count: log.length, retryAfter: seconds(lockoutMs) };
    }
    log.push(now);
    this.ctx.storage.kv.put("attempts", { log, lockedUntil: 0 });
    return { allowed: true, count: log.length, retryAfter: 0 };
  }

  /** Forgets every count and lock of this key (a successful sign-in clears its failures). */
  reset(): void {
    this.ctx.storage.kv.delete("window");
    this.ctx.storage.kv.delete("attempts");
  }

  #roll(state: Window | undefined, windowMs: number, now: number): Window {
    const start = Math.floor(now / windowMs) * windowMs;
    if (!state) return { start, current: 0, previous: 0, lockedUntil: 0 };
    if (state.start === start) return state;
    const previous = state.start === start - windowMs ? state.current : 0;
    return { start, current: 0, previous, lockedUntil: state.lockedUntil };
  }

  #estimate(state: Window, windowMs: number, now: number): number {
    const overlap = 1 - (now - state.start) / windowMs;
    return Math.floor(state.previous * overlap) + state.current;
  }
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
