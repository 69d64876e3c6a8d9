import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

export interface BreakerSettings {
  /** Failures in a row (errors or timeouts) that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before it lets one probe through. */
  cooldownMs: number;
  /** How long a probe may take before another is allowed (a probe whose caller died). */
  probeTimeoutMs: number;
}

export type CircuitState = "closed" | "open" | "half_open";
export type CallOutcome = "success" | "failure" | "timeout";

export interface Permit {
  allowed: boolean;
  state: CircuitState;
  /** True when this call is the half-open probe that decides whether the circuit closes. */
  probe: boolean;
  /** When a refused caller may try again (ms since the epoch), or null. */
  retryAt: number | null;
}

interface Outcome {
  at: number;
  outcome: CallOutcome;
  ms: number;
}

interface State {
  state: CircuitState;
  consecutiveFailures: number;
  openedAt: number | null;
  retryAt: number | null;
  probeUntil: number | null;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastFailure: string | null;
  opened: number;
  recent: Outcome[];
}

export interface BreakerHealth {
  state: CircuitState;
  consecutiveFailures: number;
  openedAt: number | null;
  retryAt: number | null;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastFailure: string | null;
  /** How many times the circuit has opened. */
  opened: number;
  /** The calls of the last five minutes. */
  recent: { calls: number; failures: number; timeouts: number; averageLatencyMs: number | null };
}

const RECENT_MS = 5 * 60_000;
const RECENT_MAX = 100;

const INITIAL: State = {
  state: "closed",
  consecutiveFailures: 0,
  openedAt: null,
  retryAt: null,
  probeUntil: null,
  lastSuccessAt: null,
  lastFailureAt: null,
  lastFailure: null,
  opened: 0,
  recent: [],
};

/**
 * One circuit breaker per supplier. Closed, every call goes through; after `failureThreshold`
 * failures or timeouts in a row it opens and refuses calls for `cooldownMs`, so orders fail
 * over to a backup at once instead of waiting on a dead supplier. Then it lets exactly one
 * probe through (half-open): a success closes it, a failure opens it again. Its state is in
 * the object's storage, so every Worker instance sees the same circuit.
 */
export class SupplierBreaker extends DurableObject<Env> {
  acquire(settings: BreakerSettings, now: number = Date.now()): Permit {
    const current = this.#read();
    if (current.state === "closed") return { allowed: true, state: "closed", probe: false, retryAt: null };
    if (current.state === "open" && (current.retryAt ?? 0) > now) {
      return { allowed: false, state: "open", probe: false, retryAt: current.retryAt };
    }
    if (current.state === "half_open" && (current.probeUntil ?? 0) > now) {
      return { allowed: false, state: "half_open", probe: false, retryAt: current.probeUntil };
    }
    // The cooldown is over (or the last probe never reported): this caller is the probe.
    this.#write({ ...current, state: "half_open", probeUntil: now + settings.probeTimeoutMs });
    return { allowed: true, state: "half_open", probe: true, retryAt: null };
  }

  record(
    outcome: CallOutcome,
    latencyMs: number,
    settings: BreakerSettings,
    detail: string | null = null,
    now: number = Date.now(),
  ): BreakerHealth {
    const current = this.#read();
    const recent = [
      ...current.recent.filter((entry) => entry.at > now - RECENT_MS),
      { at: now, outcome, ms: latencyMs },
    ];
    let next: State = { ...current, recent: recent.slice(-RECENT_MAX) };
    if (outcome === "success") {
      next = {
        ...next,
        state: "closed",
        consecutiveFailures: 0,
        openedAt: null,
        retryAt: null,
        probeUntil: null,
        lastSuccessAt: now,
      };
    } else {
      const failures = current.consecutiveFailures + 1;
      next = { ...next, consecutiveFailures: failures, lastFailureAt: now, lastFailure: detail ?? outcome };
      const trips =
        current.state === "half_open" || (current.state === "closed" && failures >= settings.failureThreshold);
      if (trips) {
        next = {
          ...next,
          state: "open",
          openedAt: now,
          retryAt: now + settings.cooldownMs,
          probeUntil: null,
          opened: current.opened + 1,
        };
      }
    }
    this.#write(next);
    return this.#health(next, now);
  }

  health(now: number = Date.now()): BreakerHealth {
    return this.#health(this.#read(), now);
  }

  #health(state: State, now: number): BreakerHealth {
    const recent = state.recent.filter((entry) => entry.at > now - RECENT_MS);
    return {
      state: state.state,
      consecutiveFailures: state.consecutiveFailures,
      openedAt: state.openedAt,
      retryAt: state.retryAt,
      lastSuccessAt: state.lastSuccessAt,
      lastFailureAt: state.lastFailureAt,
      lastFailure: state.lastFailure,
      opened: state.opened,
      recent: {
        calls: recent.length,
        failures: recent.filter((entry) => entry.outcome !== "success").length,
        timeouts: recent.filter((entry) => entry.outcome === "timeout").length,
        averageLatencyMs:
          recent.length === 0 ? null : Math.round(recent.reduce((total, entry) => total + entry.ms, 0) / recent.length),
      },
    };
  }

  #read(): State {
    return this.ctx.storage.kv.get<State>("circuit") ?? INITIAL;
  }

  #write(state: State): void {
    this.ctx.storage.kv.put("circuit", state);
  }
}
