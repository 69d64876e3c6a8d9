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
 * The object owns its single alarm: it asks `retryAt()` when working out the next wake-up.
 */
export class Outbox {
  #flushing: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly queue: Queue,
  ) {}

  static createTable(sql: SqlStorage): void {
    sql.exec("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)");
  }

  /** Call inside the same synchronous block as the state change it reports. */
  add(event: Omit<DomainEvent, "id" | "at"> & { at?: number }): void {
    const full: DomainEvent = { id: newId("event"), at: event.at ?? Date.now(), ...event };
    this.sql.exec("INSERT INTO outbox (body) VALUES (?)", JSON.stringify(full));
  }

  pending(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n;
  }

  /** When the alarm must fire to retry, or null when nothing waits. */
  retryAt(now: number): number | null {
    return this.pending() > 0 ? now + RETRY_MS : null;
  }

  /** Sends everything pending; concurrent callers share one flush. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flushOnce().finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  async #flushOnce(): Promise<void> {
    for (;;) {
      const rows = this.sql
        .exec<{ seq: number; body: string }>("SELECT seq, body FROM outbox ORDER BY seq LIMIT ?", BATCH)
        .toArray();
      if (rows.length === 0) return;
      await this.queue.sendBatch(rows.map((row) => ({ body: JSON.parse(row.body), contentType: "json" as const })));
      this.sql.exec("DELETE FROM outbox WHERE seq <= ?", rows[rows.length - 1]?.seq ?? 0);
    }
  }
}
