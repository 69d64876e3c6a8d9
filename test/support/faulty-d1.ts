/**
 * A D1 binding that behaves like the real one except where a test says a statement must fail:
 * before it runs (the write never happened) or after it ran (it happened, but the caller never
 * heard back — the nastier case for idempotency). It also records what ran, so a test can
 * discover which writes a use case makes instead of hard-coding them.
 */

export type FaultMode = "before" | "after";

export interface Fault {
  /** Which statements it hits (the SQL text as the driver prepared it). */
  match: (sql: string) => boolean;
  /** How many matching executions fail before the statement works again. */
  times: number;
  mode: FaultMode;
}

export interface FaultyD1 {
  db: D1Database;
  /** Every statement executed while `recording` is on, in order (a batch adds each of its statements). */
  executed: string[];
  recording: boolean;
  /** Faults are only armed while this is true, so setup traffic is never hit. */
  armed: boolean;
  faults: Fault[];
  /** How many injected failures actually fired. */
  fired: number;
}

export class InjectedD1Failure extends Error {
  constructor(sql: string, mode: FaultMode) {
    super(`D1_ERROR: injected failure ${mode} ${sql.slice(0, 80)}`);
  }
}

const EXECUTORS = new Set(["run", "all", "raw", "first"]);

export function faultyD1(real: D1Database): FaultyD1 {
  const state: FaultyD1 = { db: real, executed: [], recording: false, armed: false, faults: [], fired: 0 };
  const unwrap = new WeakMap<object, D1PreparedStatement>();
  const sqlOf = new WeakMap<object, string>();

  const due = (sql: string, mode: FaultMode): boolean => {
    if (!state.armed) return false;
    const fault = state.faults.find((f) => f.mode === mode && f.times > 0 && f.match(sql));
    if (!fault) return false;
    fault.times--;
    state.fired++;
    return true;
  };

  const wrap = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const wrapped = new Proxy(statement, {
      get(target, prop) {
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values), sql);
        if (typeof prop === "string" && EXECUTORS.has(prop)) {
          return async (...args: unknown[]) => {
            if (state.recording) state.executed.push(sql);
            if (due(sql, "before")) throw new InjectedD1Failure(sql, "before");
            const result = await (target as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[prop]?.(
              ...args,
            );
            if (due(sql, "after")) throw new InjectedD1Failure(sql, "after");
            return result;
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    unwrap.set(wrapped, statement);
    sqlOf.set(wrapped, sql);
    return wrapped;
  };

  state.db = new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const texts = statements.map((s) => sqlOf.get(s) ?? "?");
          if (state.recording) state.executed.push(...texts);
          // A batch is one transaction: a fault in any statement fails all of it.
          if (texts.some((sql) => due(sql, "before"))) throw new InjectedD1Failure(texts.join("; "), "before");
          const result = await target.batch(statements.map((s) => unwrap.get(s) ?? s));
          if (texts.some((sql) => due(sql, "after"))) throw new InjectedD1Failure(texts.join("; "), "after");
          return result;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return state;
}

/** True for statements that change rows. */
export const isWrite = (sql: string) => /^\s*(insert|update|delete|replace)\b/i.test(sql);
