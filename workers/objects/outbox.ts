import { newId } from "@tessera/domain";

/** What a Durable Object tells the rest of the system; the events consumer applies it to D1. */
export interface DomainEvent<T extends string = string, D = Record<string, unknown>> {
  id: string;
  type: T;
  at: number;
  merchantId: string;
  data: D;
}

const RETRY_MS = 5_000;
const BATCH = 100;

/**
 * A transactional outbox in the object's own SQLite: events are written in the same
 * synchronous step as the state they describe, then flushed to the `events` queue after the
 * caller has its answer. A failed flush leaves them in place and the object's alarm tries
 * again, so no change is ever lost; the consumer is idempotent, so one sent twice is harmless.
 *
 * The outbox also keeps the object's single alarm. A write makes sure an alarm is due within
 * the retry delay (so events survive an eviction before the flush), but only when none is
 * already due by then: a busy object sets its alarm once per delay, not once per write, and a
 * successful flush leaves the alarm alone rather than paying to delete it — when it fires with
 * nothing to send it simply does not re-arm. `nextWake` names any other time the object must
 * wake (a reservation's expiry).
 */
export class Outbox {
  #flushing: Promise<void> | null = null;
  /** When the alarm is due as far as this instance knows; undefined until it has set or read it. */
  #alarmAt: number | null | undefined;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly queue: Queue,
    private readonly nextWake: () => number | null = () => null,
  ) {}

  static createTable(sql: SqlStorage): void {
    sql.exec("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)");
  }

  /** Call inside the same synchronous block as the state change it reports. */
  add(event: Omit<DomainEvent, "id" | "at"> & { at?: number }): void {
    const full: DomainEvent = { id: newId("event"), at: event.at ?? Date.now(), ...event };
    this.ctx.storage.sql.exec("INSERT INTO outbox (body) VALUES (?)", JSON.stringify(full));
  }

  pending(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n;
  }

  /**
   * After a write: arm the alarm if none is due soon enough, then flush once the caller has
   * its answer. `wakeAt` is an earlier time the write itself needs (a short reservation).
   */
  afterWrite(wakeAt: number | null = null): void {
    const now = Date.now();
    const due = Math.min(now + RETRY_MS, wakeAt ?? Number.POSITIVE_INFINITY);
    // An alarm due in the past is firing or failed (workerd retries it); set a fresh one anyway.
    const known = this.#alarmAt;
    if (known === undefined || known === null || known <= now || known > due) this.#setAlarm(due);
    this.ctx.waitUntil(this.flush().catch(() => undefined));
  }

  /** The object's `alarm()`: send what waits, then arm the next wake-up if anything needs one. */
  async onAlarm(): Promise<void> {
    // The alarm that woke us is spent.
    this.#alarmAt = null;
    try {
      await this.flush();
    } finally {
      const now = Date.now();
      const candidates = [this.pending() > 0 ? now + RETRY_MS : null, this.nextWake()].filter(
        (at): at is number => at !== null,
      );
      if (candidates.length > 0) this.#setAlarm(Math.max(now, Math.min(...candidates)));
    }
  }

  /** Sends everything pending; concurrent callers share one flush. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flushOnce().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  #setAlarm(at: number): void {
    this.#alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  async #flushOnce(): Promise<void> {
    const sql = this.ctx.storage.sql;
    for (;;) {
      const rows = sql
        .exec<{ seq: number; body: string }>("SELECT seq, body FROM outbox ORDER BY seq LIMIT ?", BATCH)
        .toArray();
      if (rows.length === 0) return;
      await this.queue.sendBatch(rows.map((row) => ({ body: JSON.parse(row.body), contentType: "json" as const })));
      sql.exec("DELETE FROM outbox WHERE seq <= ?", rows[rows.length - 1]?.seq ?? 0);
    }
  }
}
