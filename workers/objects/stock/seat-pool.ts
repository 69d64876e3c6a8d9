import type { Counts, LevelCounter } from "./levels";
import type { Pool, StockUnit } from "./pool";

/** A shared credential as imported: sold to up to `seats` buyers. */
export interface AccountItem {
  fingerprint: string;
  codeCiphertext: string;
  secretCiphertext: string | null;
  /** The login masked, for staff lists (the plain login is never stored). */
  label: string;
  seats: number;
}

export interface AccountSeats {
  accountId: string;
  label: string;
  seats: number;
  reserved: number;
  sold: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS accounts (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
     fingerprint TEXT NOT NULL UNIQUE, codeCiphertext TEXT NOT NULL, secretCiphertext TEXT, label TEXT NOT NULL,
     seats INTEGER NOT NULL CHECK (seats >= 1), held INTEGER NOT NULL DEFAULT 0, sold INTEGER NOT NULL DEFAULT 0,
     room INTEGER GENERATED ALWAYS AS (seats - held - sold) STORED,
     CHECK (held >= 0 AND sold >= 0 AND held + sold <= seats))`,
  "CREATE INDEX IF NOT EXISTS accounts_room ON accounts (room DESC, seq)",
  `CREATE TABLE IF NOT EXISTS seats (orderId TEXT NOT NULL, accountSeq INTEGER NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('reserved', 'sold', 'released')), PRIMARY KEY (orderId, accountSeq))`,
];

/**
 * Loop stock (循环库存): shared credentials, each sold to at most its number of seats. A buyer
 * gets a seat on the credential with the most room left (oldest first among equals), and an
 * order of several seats gets them on different credentials: spreading buyers keeps each login
 * shared by as few people as possible at any time, so fewer of them meet a "too many devices"
 * limit, and one credential the provider resets touches the fewest buyers. The CHECK on each
 * credential makes overselling a seat impossible even if a count were wrong.
 */
export class SeatPool implements Pool {
  readonly #sql: SqlStorage;
  readonly #levels: LevelCounter;

  constructor(sql: SqlStorage, levels: LevelCounter) {
    this.#sql = sql;
    this.#levels = levels;
  }

  static createTables(sql: SqlStorage): void {
    for (const statement of SCHEMA) sql.exec(statement);
  }

  /** True once this object holds shared credentials. */
  static holdsAccounts(sql: SqlStorage): boolean {
    return sql.exec("SELECT 1 FROM accounts LIMIT 1").toArray().length > 0;
  }

  /** Adds credentials, skipping any already held or repeated within `items`; how many were added. */
  insert(items: (AccountItem & { accountId: string })[]): { added: number; seats: number } {
    if (items.length === 0) return { added: 0, seats: 0 };
    const added = this.#sql
      .exec<{ seats: number }>(
        `INSERT INTO accounts (id, fingerprint, codeCiphertext, secretCiphertext, label, seats)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(?) WHERE true
         ON CONFLICT DO NOTHING RETURNING seats`,
        JSON.stringify(
          items.map((item) => [
            item.accountId,
            item.fingerprint,
            item.codeCiphertext,
            item.secretCiphertext,
            item.label,
            item.seats,
          ]),
        ),
      )
      .toArray();
    const seats = added.reduce((total, row) => total + row.seats, 0);
    this.#levels.add({ available: seats });
    return { added: added.length, seats };
  }

  canTake(quantity: number): boolean {
    const open = this.#sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM (SELECT 1 FROM accounts WHERE room > 0 LIMIT ?)", quantity)
      .one().n;
    return open >= quantity;
  }

  take(orderId: string, quantity: number, status: "reserved" | "sold"): void {
    const chosen = this.#sql
      .exec<{ seq: number }>("SELECT seq FROM accounts WHERE room > 0 ORDER BY room DESC, seq LIMIT ?", quantity)
      .toArray()
      .map((row) => row.seq);
    const seqs = JSON.stringify(chosen);
    this.#sql.exec(
      `INSERT INTO seats (orderId, accountSeq, status) SELECT ?, value, ? FROM json_each(?) WHERE true
       ON CONFLICT (orderId, accountSeq) DO UPDATE SET status = excluded.status`,
      orderId,
      status,
      seqs,
    );
    const column = status === "reserved" ? "held" : "sold";
    this.#sql.exec(`UPDATE accounts SET ${column} = ${column} + 1 WHERE seq IN (SELECT value FROM json_each(?))`, seqs);
    this.#levels.add({ available: -chosen.length, [status]: chosen.length });
  }

  sell(orderId: string): void {
    const sold = this.#move(orderId, "reserved", "sold");
    this.#levels.add({ reserved: -sold, sold });
  }

  free(orderId: string, includeSold: boolean): number {
    const reserved = this.#move(orderId, "reserved", "released");
    const sold = includeSold ? this.#move(orderId, "sold", "released") : 0;
    this.#levels.add({ available: reserved + sold, reserved: -reserved, sold: -sold });
    return reserved + sold;
  }

  unitsOf(orderId: string): StockUnit[] {
    return this.#sql
      .exec<{ id: string; codeCiphertext: string; secretCiphertext: string | null }>(
        `SELECT a.id, a.codeCiphertext, a.secretCiphertext FROM seats s JOIN accounts a ON a.seq = s.accountSeq
         WHERE s.orderId = ? AND s.status = 'sold' ORDER BY s.accountSeq`,
        orderId,
      )
      .toArray()
      .map((row) => ({ unitId: row.id, codeCiphertext: row.codeCiphertext, secretCiphertext: row.secretCiphertext }));
  }

  counts(): Counts {
    const { available, reserved, sold } = this.#levels.read();
    return { available, reserved, sold };
  }

  /** Credentials oldest first, with their seats, after `afterId` (a page of a list). */
  list(limit: number, afterId: string | null): AccountSeats[] {
    return this.#sql
      .exec<{ id: string; label: string; seats: number; held: number; sold: number }>(
        `SELECT id, label, seats, held, sold FROM accounts
         WHERE seq > coalesce((SELECT seq FROM accounts WHERE id = ?), 0) ORDER BY seq LIMIT ?`,
        afterId,
        limit,
      )
      .toArray()
      .map((row) => ({ accountId: row.id, label: row.label, seats: row.seats, reserved: row.held, sold: row.sold }));
  }

  /** Moves the order's seats from one state to another, and each credential's count with them. */
  #move(orderId: string, from: "reserved" | "sold", to: "sold" | "released"): number {
    const column = (status: "reserved" | "sold") => (status === "reserved" ? "held" : "sold");
    const seqs = this.#sql
      .exec<{ accountSeq: number }>(
        "UPDATE seats SET status = ? WHERE orderId = ? AND status = ? RETURNING accountSeq",
        to,
        orderId,
        from,
      )
      .toArray()
      .map((row) => row.accountSeq);
    if (seqs.length === 0) return 0;
    const increment = to === "sold" ? ", sold = sold + 1" : "";
    this.#sql.exec(
      `UPDATE accounts SET ${column(from)} = ${column(from)} - 1${increment} WHERE seq IN (SELECT value FROM json_each(?))`,
      JSON.stringify(seqs),
    );
    return seqs.length;
  }
}
