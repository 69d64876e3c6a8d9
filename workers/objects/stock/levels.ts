/** How many units (or seats) an object holds in each state, and its change counter. */
export interface StockLevels {
  available: number;
  reserved: number;
  sold: number;
  version: number;
}

export type Counts = Omit<StockLevels, "version">;

/**
 * Exact counts kept in one row, moved in the same transaction as every status change, so that
 * reading them costs one row instead of a count over the whole stock (a 100,000-unit SKU paid
 * that count several times per order).
 */
export class LevelCounter {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Creates the row. An object made before the counters existed counts its stock once, here;
   * a new object counts an empty table.
   */
  static create(sql: SqlStorage, initial: () => StockLevels): void {
    sql.exec(`CREATE TABLE IF NOT EXISTS levels (singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
      available INTEGER NOT NULL, reserved INTEGER NOT NULL, sold INTEGER NOT NULL, version INTEGER NOT NULL)`);
    if (sql.exec("SELECT 1 FROM levels").toArray().length > 0) return;
    const levels = initial();
    sql.exec(
      "INSERT INTO levels (singleton, available, reserved, sold, version) VALUES (1, ?, ?, ?, ?)",
      levels.available,
      levels.reserved,
      levels.sold,
      levels.version,
    );
  }

  read(): StockLevels {
    return this.sql
      .exec<Record<keyof StockLevels, number>>("SELECT available, reserved, sold, version FROM levels")
      .one();
  }

  /** Call inside the transaction that moved the units. */
  add(delta: Partial<Counts>): void {
    this.sql.exec(
      "UPDATE levels SET available = available + ?, reserved = reserved + ?, sold = sold + ?",
      delta.available ?? 0,
      delta.reserved ?? 0,
      delta.sold ?? 0,
    );
  }

  /** Counts one change of the object's state; the new levels, for its event. */
  bump(): StockLevels {
    return this.sql
      .exec<Record<keyof StockLevels, number>>(
        "UPDATE levels SET version = version + 1 RETURNING available, reserved, sold, version",
      )
      .one();
  }
}

/** Rows changed by the statement just run on this connection. */
export function changes(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT changes() AS n").one().n;
}
