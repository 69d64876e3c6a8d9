import type { Pool } from "./pool";

export interface Reservation {
  quantity: number;
  expiresAt: number;
  status: "held" | "committed" | "released";
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS reservations (orderId TEXT PRIMARY KEY, quantity INTEGER NOT NULL,
     expiresAt INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('held', 'committed', 'released')))`,
  "CREATE INDEX IF NOT EXISTS reservations_expiry ON reservations (status, expiresAt)",
];

/**
 * An order's hold on a pool: held until it is committed (sold), released, or its time is up.
 * The write methods run inside the caller's transaction; the caller decides, from `find`,
 * which one applies (the contract is the keeper's: a repeat gets the first answer).
 */
export class Reservations {
  constructor(
    private readonly sql: SqlStorage,
    readonly pool: Pool,
  ) {}

  static createTables(sql: SqlStorage): void {
    for (const statement of SCHEMA) sql.exec(statement);
  }

  find(orderId: string): Reservation | undefined {
    return this.sql
      .exec<Reservation & Record<string, SqlStorageValue>>(
        "SELECT quantity, expiresAt, status FROM reservations WHERE orderId = ?",
        orderId,
      )
      .toArray()[0];
  }

  hold(orderId: string, quantity: number, expiresAt: number): void {
    this.pool.take(orderId, quantity, "reserved");
    this.sql.exec(
      `INSERT INTO reservations (orderId, quantity, expiresAt, status) VALUES (?, ?, ?, 'held')
       ON CONFLICT (orderId) DO UPDATE SET quantity = excluded.quantity, expiresAt = excluded.expiresAt, status = 'held'`,
      orderId,
      quantity,
      expiresAt,
    );
  }

  /** Sells a held reservation, or `quantity` fresh units for an order whose hold lapsed (or never was). */
  sell(orderId: string, quantity: number, existing: Reservation | undefined): void {
    if (existing?.status === "held") this.pool.sell(orderId);
    else this.pool.take(orderId, quantity, "sold");
    this.sql.exec(
      `INSERT INTO reservations (orderId, quantity, expiresAt, status) VALUES (?, ?, 0, 'committed')
       ON CONFLICT (orderId) DO UPDATE SET status = 'committed'`,
      orderId,
      quantity,
    );
  }

  /** Puts back everything the order holds, sold or not; how many units. */
  release(orderId: string): number {
    const freed = this.pool.free(orderId, true);
    this.sql.exec("UPDATE reservations SET status = 'released' WHERE orderId = ?", orderId);
    return freed;
  }

  /** Held reservations whose time is up at `now`. */
  lapsed(now: number): string[] {
    return this.sql
      .exec<{ orderId: string }>("SELECT orderId FROM reservations WHERE status = 'held' AND expiresAt <= ?", now)
      .toArray()
      .map((row) => row.orderId);
  }

  /** Releases a lapsed hold: only its reserved units return (a sold unit never does); how many. */
  expire(orderId: string): number {
    const freed = this.pool.free(orderId, false);
    this.sql.exec("UPDATE reservations SET status = 'released' WHERE orderId = ?", orderId);
    return freed;
  }

  /** When the next held reservation lapses (an index seek, not a scan). */
  nextExpiry(): number | null {
    return (
      this.sql
        .exec<{ expiresAt: number }>(
          "SELECT expiresAt FROM reservations WHERE status = 'held' ORDER BY expiresAt LIMIT 1",
        )
        .toArray()[0]?.expiresAt ?? null
    );
  }
}
