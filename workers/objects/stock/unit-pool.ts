import { type Counts, changes, type LevelCounter } from "./levels";
import type { Pool, StockUnit } from "./pool";

/** A unit with its fingerprint, as imported or as it travels between objects. */
export interface UnitRecord {
  unitId: string;
  /** HMAC of the normalized code: equal for duplicates, meaningless without the key. */
  fingerprint: string;
  codeCiphertext: string | null;
  secretCiphertext: string | null;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS units (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
     fingerprint TEXT NOT NULL UNIQUE, codeCiphertext TEXT NOT NULL, secretCiphertext TEXT,
     status TEXT NOT NULL CHECK (status IN ('available', 'reserved', 'sold')), orderId TEXT)`,
  // Partial indexes: an import writes only the available one, and a status change touches at
  // most one index entry (objects made with the older full indexes drop them here, once).
  "DROP INDEX IF EXISTS units_status",
  "CREATE INDEX IF NOT EXISTS units_available ON units (seq) WHERE status = 'available'",
  "DROP INDEX IF EXISTS units_order",
  "CREATE INDEX IF NOT EXISTS units_by_order ON units (orderId) WHERE orderId IS NOT NULL",
  // Units sent to another object (a flash sale's shards) leave their fingerprint here, so the
  // same secret cannot be imported again while it is on sale elsewhere.
  "CREATE TABLE IF NOT EXISTS away (fingerprint TEXT PRIMARY KEY, unitId TEXT NOT NULL, transferId TEXT NOT NULL)",
];

/** A placeholder for a minted good's slot in a sale: nothing to deliver but the right to one. */
const SLOT = "";

/**
 * Card secrets, one buyer each, handed out oldest first. Imports are one statement per chunk
 * over a JSON array, so 100,000 lines cost a few hundred statements, not 100,000.
 */
export class UnitPool implements Pool {
  readonly #sql: SqlStorage;
  readonly #levels: LevelCounter;

  constructor(sql: SqlStorage, levels: LevelCounter) {
    this.#sql = sql;
    this.#levels = levels;
  }

  static createTables(sql: SqlStorage): void {
    for (const statement of SCHEMA) sql.exec(statement);
  }

  /** Counts the stock of an object made before the counters existed. */
  static countAll(sql: SqlStorage): Counts {
    const counts = { available: 0, reserved: 0, sold: 0 };
    for (const row of sql.exec<{ status: keyof Counts; n: number }>(
      "SELECT status, count(*) AS n FROM units GROUP BY status",
    )) {
      counts[row.status] = row.n;
    }
    return counts;
  }

  /**
   * Adds units, skipping any whose fingerprint is held here, was sent away, or repeats within
   * `units`; how many were added.
   */
  insert(units: UnitRecord[]): number {
    if (units.length === 0) return 0;
    this.#sql.exec(
      `INSERT INTO units (id, fingerprint, codeCiphertext, secretCiphertext, status)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, 'available' FROM json_each(?)
       WHERE NOT EXISTS (SELECT 1 FROM away WHERE away.fingerprint = value ->> 1)
       ON CONFLICT DO NOTHING`,
      JSON.stringify(
        units.map((unit) => [unit.unitId, unit.fingerprint, unit.codeCiphertext ?? SLOT, unit.secretCiphertext]),
      ),
    );
    const added = changes(this.#sql);
    this.#levels.add({ available: added });
    return added;
  }

  /** Takes units back that this object once sent away (a sale's unsold units coming home). */
  receive(units: UnitRecord[]): number {
    if (units.length === 0) return 0;
    this.#sql.exec(
      "DELETE FROM away WHERE fingerprint IN (SELECT value FROM json_each(?))",
      JSON.stringify(units.map((unit) => unit.fingerprint)),
    );
    return this.insert(units);
  }

  /** Removes up to `quantity` of the oldest available units, to travel under `transferId`. */
  send(quantity: number, transferId: string): UnitRecord[] {
    const rows = this.#sql
      .exec<{ seq: number; id: string; fingerprint: string; codeCiphertext: string; secretCiphertext: string | null }>(
        `SELECT seq, id, fingerprint, codeCiphertext, secretCiphertext FROM units
         WHERE status = 'available' ORDER BY seq LIMIT ?`,
        quantity,
      )
      .toArray();
    if (rows.length === 0) return [];
    const seqs = JSON.stringify(rows.map((row) => row.seq));
    this.#sql.exec(
      `INSERT INTO away (fingerprint, unitId, transferId)
       SELECT fingerprint, id, ? FROM units WHERE seq IN (SELECT value FROM json_each(?))
       ON CONFLICT (fingerprint) DO UPDATE SET transferId = excluded.transferId`,
      transferId,
      seqs,
    );
    this.#sql.exec("DELETE FROM units WHERE seq IN (SELECT value FROM json_each(?))", seqs);
    this.#levels.add({ available: -rows.length });
    return rows.map((row) => ({
      unitId: row.id,
      fingerprint: row.fingerprint,
      codeCiphertext: row.codeCiphertext === SLOT ? null : row.codeCiphertext,
      secretCiphertext: row.secretCiphertext,
    }));
  }

  canTake(quantity: number): boolean {
    return this.#levels.read().available >= quantity;
  }

  take(orderId: string, quantity: number, status: "reserved" | "sold"): void {
    this.#sql.exec(
      `UPDATE units SET status = ?, orderId = ?
       WHERE seq IN (SELECT seq FROM units WHERE status = 'available' ORDER BY seq LIMIT ?)`,
      status,
      orderId,
      quantity,
    );
    const taken = changes(this.#sql);
    this.#levels.add({ available: -taken, [status]: taken });
  }

  sell(orderId: string): void {
    this.#sql.exec("UPDATE units SET status = 'sold' WHERE orderId = ? AND status = 'reserved'", orderId);
    const sold = changes(this.#sql);
    this.#levels.add({ reserved: -sold, sold });
  }

  free(orderId: string, includeSold: boolean): number {
    const back = (status: "reserved" | "sold") => {
      this.#sql.exec(
        "UPDATE units SET status = 'available', orderId = NULL WHERE orderId = ? AND status = ?",
        orderId,
        status,
      );
      return changes(this.#sql);
    };
    const reserved = back("reserved");
    const sold = includeSold ? back("sold") : 0;
    this.#levels.add({ available: reserved + sold, reserved: -reserved, sold: -sold });
    return reserved + sold;
  }

  unitsOf(orderId: string): StockUnit[] {
    return this.#sql
      .exec<{ id: string; codeCiphertext: string; secretCiphertext: string | null }>(
        "SELECT id, codeCiphertext, secretCiphertext FROM units WHERE orderId = ? AND status = 'sold' ORDER BY seq",
        orderId,
      )
      .toArray()
      .map((row) => ({ unitId: row.id, codeCiphertext: row.codeCiphertext, secretCiphertext: row.secretCiphertext }));
  }

  counts(): Counts {
    const { available, reserved, sold } = this.#levels.read();
    return { available, reserved, sold };
  }
}
