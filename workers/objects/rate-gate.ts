import { DurableObject } from "cloudflare:workers";
import {
  admitCheckout,
  admitLookup,
  type BuyerState,
  type CheckoutAsk,
  type CheckoutVerdict,
  coolDown,
  EMPTY_BUYER,
  EMPTY_LOOKUPS,
  type FailurePolicy,
  forgetOrder,
  type LookupAsk,
  type LookupState,
  type LookupStep,
  type LookupVerdict,
  recordFailure,
  settleLookup,
  settleOrder,
} from "@tessera/domain";
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

  // Buyer identities' checkouts (packages/domain/src/risk/checkout-gate.ts holds the rules), each
  // identity under its own key (`id`, a hash) in the gate its hash names. Each call reads,
  // decides and writes in one go, so parallel checkouts of one identity are decided one at a
  // time: a cap of 3 unpaid orders admits exactly 3 of 500 parallel ones.

  /** Admits one order for an identity, or says which limit refuses it and for how long. */
  admitCheckout(id: string, ask: CheckoutAsk): CheckoutVerdict {
    const { state, verdict } = admitCheckout(this.#buyer(id), ask);
    this.#putBuyer(id, state);
    return verdict;
  }

  /** The order was not placed after all: it holds no slot and counts no units. */
  forgetOrder(id: string, orderId: string): void {
    this.#putBuyer(id, forgetOrder(this.#buyer(id), orderId));
  }

  /** The order was paid: its unpaid slot is free. */
  settleOrder(id: string, orderId: string): void {
    this.#putBuyer(id, settleOrder(this.#buyer(id), orderId));
  }

  /** Counts a failed payment; answers until when the identity (or card) is cooled down (0: not). */
  paymentFailed(id: string, now: number, policy: FailurePolicy, orderId?: string): number {
    const { state, coolUntil } = recordFailure(this.#buyer(id), now, policy, orderId);
    this.#putBuyer(id, state);
    return coolUntil > now ? coolUntil : 0;
  }

  /** Cools an identity down until `until` (it tried a card that is cooling down). */
  coolDown(id: string, until: number): void {
    this.#putBuyer(id, coolDown(this.#buyer(id), until));
  }

  // A partner key's or an IP's code look-ups (packages/domain/src/risk/lookup-gate.ts). Only
  // failures and lockouts are written; an honest look-up costs two in-memory calls.

  #lookups: LookupState | undefined;

  /** Admits one verify/redeem look-up; `settleLookup` must follow once its outcome is known. */
  admitLookup(ask: LookupAsk): LookupVerdict {
    const step = admitLookup(this.#lookupState(), ask);
    this.#applyLookups(step);
    return step.verdict;
  }

  /** The admitted look-up ended: `failed` when its code was not found. */
  settleLookup(failed: boolean, now: number = Date.now()): void {
    this.#applyLookups(settleLookup(this.#lookupState(), failed, now));
  }

  #lookupState(): LookupState {
    this.#lookups ??= {
      ...EMPTY_LOOKUPS,
      ...this.ctx.storage.kv.get<Pick<LookupState, "failures" | "lockedUntil">>("lookups"),
    };
    return this.#lookups;
  }

  #applyLookups(step: LookupStep): void {
    this.#lookups = step.state;
    if (step.persist) {
      this.ctx.storage.kv.put("lookups", { failures: step.state.failures, lockedUntil: step.state.lockedUntil });
    }
  }

  #buyer(id: string): BuyerState {
    return this.ctx.storage.kv.get<BuyerState>(`buyer:${id}`) ?? EMPTY_BUYER;
  }

  /** An identity with nothing left to count is deleted, so a gate keeps only live identities. */
  #putBuyer(id: string, state: BuyerState): void {
    const empty =
      state.attempts.length === 0 && state.orders.length === 0 && state.failures.length === 0 && state.coolUntil === 0;
    if (empty) this.ctx.storage.kv.delete(`buyer:${id}`);
    else this.ctx.storage.kv.put(`buyer:${id}`, state);
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
