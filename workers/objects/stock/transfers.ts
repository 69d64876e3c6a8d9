import type { SaleTerms } from "./sale-terms";
import type { UnitRecord } from "./unit-pool";

/** Units on their way from one object to another, under an id the receiver remembers. */
export interface Transfer {
  id: string;
  units: UnitRecord[];
}

export interface Outgoing extends Transfer {
  /** Where it goes: `keeper`, or the index of a shard of the sale. */
  target: string;
  /** The sale's terms, for a shard that may not know them yet. */
  terms: SaleTerms | null;
}

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS transfers_in (id TEXT PRIMARY KEY)",
  `CREATE TABLE IF NOT EXISTS transfers_out (id TEXT PRIMARY KEY, target TEXT NOT NULL, units TEXT NOT NULL,
     terms TEXT, delivered INTEGER NOT NULL DEFAULT 0)`,
  "CREATE INDEX IF NOT EXISTS transfers_out_pending ON transfers_out (delivered)",
];

/**
 * Moving units between Durable Objects without losing or doubling one: the sender removes them
 * and records the transfer in one transaction, then delivers it until the receiver has it (its
 * alarm retries); the receiver adds a transfer's units once, by its id. A unit is therefore in
 * exactly one object's stock, or in exactly one transfer on its way.
 */
export class Transfers {
  constructor(private readonly sql: SqlStorage) {}

  static createTables(sql: SqlStorage): void {
    for (const statement of SCHEMA) sql.exec(statement);
  }

  /** Inside the receiving transaction: true the first time this transfer arrives. */
  accept(id: string): boolean {
    return (
      this.sql.exec("INSERT INTO transfers_in (id) VALUES (?) ON CONFLICT DO NOTHING RETURNING id", id).toArray()
        .length > 0
    );
  }

  /** Inside the transaction that removed the units. */
  send(transfer: Outgoing): void {
    this.sql.exec(
      "INSERT INTO transfers_out (id, target, units, terms) VALUES (?, ?, ?, ?)",
      transfer.id,
      transfer.target,
      JSON.stringify(transfer.units),
      transfer.terms ? JSON.stringify(transfer.terms) : null,
    );
  }

  find(id: string): Outgoing | undefined {
    return this.#read("SELECT id, target, units, terms FROM transfers_out WHERE id = ?", id)[0];
  }

  /** Whether any transfer's id starts with `prefix` (a sale's allocation, once made). */
  sentUnder(prefix: string): boolean {
    return (
      this.sql.exec("SELECT 1 FROM transfers_out WHERE id >= ? AND id < ? LIMIT 1", prefix, `${prefix}\uffff`).toArray()
        .length > 0
    );
  }

  undelivered(): Outgoing[] {
    return this.#read("SELECT id, target, units, terms FROM transfers_out WHERE delivered = 0 ORDER BY rowid");
  }

  hasUndelivered(): boolean {
    return this.sql.exec("SELECT 1 FROM transfers_out WHERE delivered = 0 LIMIT 1").toArray().length > 0;
  }

  delivered(id: string): void {
    this.sql.exec("UPDATE transfers_out SET delivered = 1 WHERE id = ?", id);
  }

  #read(query: string, ...params: SqlStorageValue[]): Outgoing[] {
    return this.sql
      .exec<{ id: string; target: string; units: string; terms: string | null }>(query, ...params)
      .toArray()
      .map((row) => ({
        id: row.id,
        target: row.target,
        units: JSON.parse(row.units) as UnitRecord[],
        terms: row.terms ? (JSON.parse(row.terms) as SaleTerms) : null,
      }));
  }
}
