import { DurableObject } from "cloudflare:workers";
import { newId } from "@tessera/domain";
import type { Env } from "../env";
import { Outbox } from "./outbox";

/** A unit as it leaves the keeper: encrypted by the Worker before it ever arrived here. */
export interface StockUnit {
  unitId: string;
  codeCiphertext: string;
  secretCiphertext: string | null;
}

export interface ImportItem {
  /** HMAC of the normalized code: equal for duplicates, meaningless without the key. */
  fingerprint: string;
  codeCiphertext: string;
  secretCiphertext: string | null;
}

export interface StockLevels {
  available: number;
  reserved: number;
  sold: number;
  version: number;
}

export interface SkuRef {
  merchantId: string;
  skuId: string;
}

export type ReserveOutcome =
  | { ok: true; expiresAt: number; levels: StockLevels }
  | { ok: false; error: "insufficient_stock"; levels: StockLevels };

export type CommitOutcome =
  | { ok: true; units: StockUnit[]; levels: StockLevels }
  | { ok: false; error: "insufficient_stock"; levels: StockLevels };

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
     merchantId TEXT NOT NULL, skuId TEXT NOT NULL, version INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS units (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
     fingerprint TEXT NOT NULL UNIQUE, codeCiphertext TEXT NOT NULL, secretCiphertext TEXT,
     status TEXT NOT NULL CHECK (status IN ('available', 'reserved', 'sold')), orderId TEXT)`,
  "CREATE INDEX IF NOT EXISTS units_status ON units (status, seq)",
  "CREATE INDEX IF NOT EXISTS units_order ON units (orderId)",
  `CREATE TABLE IF NOT EXISTS reservations (orderId TEXT PRIMARY KEY, quantity INTEGER NOT NULL,
     expiresAt INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('held', 'committed', 'released')))`,
  "CREATE INDEX IF NOT EXISTS reservations_expiry ON reservations (status, expiresAt)",
];

/**
 * One object per SKU: holds the unsold card secrets and the reservations on them, and hands
 * out each unit exactly once. Every method is one synchronous step over its own SQLite, so
 * concurrent buyers are served one after another and no unit is ever sold twice. Expired
 * reservations are released by the object's alarm.
 */
export class StockKeeper extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  readonly #outbox: Outbox;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#outbox = new Outbox(ctx, env.EVENTS, () => this.#nextExpiry());
    // A StockKeeper only exists for a SKU the Worker already validated, so creating its
    // tables up front costs nothing an attacker can multiply.
    ctx.storage.transactionSync(() => {
      for (const statement of SCHEMA) this.#sql.exec(statement);
      Outbox.createTable(this.#sql);
    });
  }

  /** Adds units, skipping any whose fingerprint is already held (within this call or before). */
  importUnits(sku: SkuRef, items: ImportItem[]): { imported: number; duplicates: number; levels: StockLevels } {
    let imported = 0;
    this.ctx.storage.transactionSync(() => {
      this.#bind(sku);
      for (const item of items) {
        // `rowsWritten` counts index work even when the conflict clause skips the row, so
        // count the rows the insert returns: none for a fingerprint already held.
        const inserted = this.#sql
          .exec(
            `INSERT INTO units (id, fingerprint, codeCiphertext, secretCiphertext, status)
             VALUES (?, ?, ?, ?, 'available') ON CONFLICT (fingerprint) DO NOTHING RETURNING seq`,
            newId("unit"),
            item.fingerprint,
            item.codeCiphertext,
            item.secretCiphertext,
          )
          .toArray().length;
        imported += inserted;
      }
      if (imported > 0) this.#changed();
    });
    if (imported > 0) this.#outbox.afterWrite();
    return { imported, duplicates: items.length - imported, levels: this.levels() };
  }

  /** Holds `quantity` units for an order until `expiresAt`; the same order gets the same answer. */
  reserve(sku: SkuRef, orderId: string, quantity: number, ttlMs: number, now: number = Date.now()): ReserveOutcome {
    const existing = this.#reservation(orderId);
    if (existing && existing.status !== "released") {
      return { ok: true, expiresAt: existing.expiresAt, levels: this.levels() };
    }
    if (this.#count("available") < quantity) return { ok: false, error: "insufficient_stock", levels: this.levels() };
    const expiresAt = now + ttlMs;
    this.ctx.storage.transactionSync(() => {
      this.#bind(sku);
      this.#take(orderId, quantity, "reserved");
      this.#sql.exec(
        `INSERT INTO reservations (orderId, quantity, expiresAt, status) VALUES (?, ?, ?, 'held')
         ON CONFLICT (orderId) DO UPDATE SET quantity = excluded.quantity, expiresAt = excluded.expiresAt, status = 'held'`,
        orderId,
        quantity,
        expiresAt,
      );
      this.#changed();
    });
    this.#outbox.afterWrite(expiresAt);
    return { ok: true, expiresAt, levels: this.levels() };
  }

  /**
   * Sells the order's units. Idempotent: a repeated commit returns the same units. A payment
   * that arrives after its reservation was released is served from what remains, if enough does.
   */
  commit(sku: SkuRef, orderId: string, quantity: number): CommitOutcome {
    const reservation = this.#reservation(orderId);
    if (reservation?.status === "committed") return { ok: true, units: this.#unitsOf(orderId), levels: this.levels() };
    if (reservation?.status !== "held" && this.#count("available") < quantity) {
      return { ok: false, error: "insufficient_stock", levels: this.levels() };
    }
    this.ctx.storage.transactionSync(() => {
      this.#bind(sku);
      if (reservation?.status === "held") {
        this.#sql.exec("UPDATE units SET status = 'sold' WHERE orderId = ? AND status = 'reserved'", orderId);
      } else {
        this.#take(orderId, quantity, "sold");
      }
      this.#sql.exec(
        `INSERT INTO reservations (orderId, quantity, expiresAt, status) VALUES (?, ?, 0, 'committed')
         ON CONFLICT (orderId) DO UPDATE SET status = 'committed'`,
        orderId,
        quantity,
      );
      this.#changed();
    });
    this.#outbox.afterWrite();
    return { ok: true, units: this.#unitsOf(orderId), levels: this.levels() };
  }

  /**
   * Returns an order's units to stock: a held reservation, or — only when the caller says so
   * with `includeCommitted` — a commit whose units were never shown to anyone (the order is
   * being refunded before delivery). Without it a committed reservation is left alone: a
   * release decided on a stale read (an expiry sweep, a failed-payment event) must never put a
   * sold, possibly delivered unit back on sale.
   */
  release(
    sku: SkuRef,
    orderId: string,
    options: { includeCommitted?: boolean } = {},
  ): { released: number; levels: StockLevels } {
    const reservation = this.#reservation(orderId);
    if (
      !reservation ||
      reservation.status === "released" ||
      (reservation.status === "committed" && !options.includeCommitted)
    ) {
      return { released: 0, levels: this.levels() };
    }
    let released = 0;
    this.ctx.storage.transactionSync(() => {
      this.#bind(sku);
      released = this.#sql
        .exec(
          "UPDATE units SET status = 'available', orderId = NULL WHERE orderId = ? AND status IN ('reserved', 'sold') RETURNING seq",
          orderId,
        )
        .toArray().length;
      this.#sql.exec("UPDATE reservations SET status = 'released' WHERE orderId = ?", orderId);
      this.#changed();
    });
    this.#outbox.afterWrite();
    return { released, levels: this.levels() };
  }

  levels(): StockLevels {
    const counts = { available: 0, reserved: 0, sold: 0 };
    for (const row of this.#sql.exec<{ status: keyof typeof counts; n: number }>(
      "SELECT status, count(*) AS n FROM units GROUP BY status",
    )) {
      counts[row.status] = row.n;
    }
    const version = this.#sql.exec<{ version: number }>("SELECT version FROM meta").toArray()[0]?.version ?? 0;
    return { ...counts, version };
  }

  /** Releases every held reservation whose time is up, then flushes what changed. */
  override async alarm(): Promise<void> {
    this.expireReservations(Date.now());
    await this.#outbox.onAlarm();
  }

  expireReservations(now: number): number {
    const meta = this.#meta();
    if (!meta) return 0;
    const expired = this.#sql
      .exec<{ orderId: string }>("SELECT orderId FROM reservations WHERE status = 'held' AND expiresAt <= ?", now)
      .toArray();
    if (expired.length === 0) return 0;
    this.ctx.storage.transactionSync(() => {
      for (const { orderId } of expired) {
        this.#sql.exec(
          "UPDATE units SET status = 'available', orderId = NULL WHERE orderId = ? AND status = 'reserved'",
          orderId,
        );
        this.#sql.exec("UPDATE reservations SET status = 'released' WHERE orderId = ?", orderId);
        this.#outbox.add({
          type: "reservation.expired",
          merchantId: meta.merchantId,
          at: now,
          data: { orderId, skuId: meta.skuId },
        });
      }
      this.#changed();
    });
    return expired.length;
  }

  pendingEvents(): number {
    return this.#outbox.pending();
  }

  #take(orderId: string, quantity: number, status: "reserved" | "sold"): void {
    this.#sql.exec(
      `UPDATE units SET status = ?, orderId = ?
       WHERE seq IN (SELECT seq FROM units WHERE status = 'available' ORDER BY seq LIMIT ?)`,
      status,
      orderId,
      quantity,
    );
  }

  #unitsOf(orderId: string): StockUnit[] {
    return this.#sql
      .exec<{ id: string; codeCiphertext: string; secretCiphertext: string | null }>(
        "SELECT id, codeCiphertext, secretCiphertext FROM units WHERE orderId = ? AND status = 'sold' ORDER BY seq",
        orderId,
      )
      .toArray()
      .map((row) => ({ unitId: row.id, codeCiphertext: row.codeCiphertext, secretCiphertext: row.secretCiphertext }));
  }

  #reservation(orderId: string) {
    return this.#sql
      .exec<{ quantity: number; expiresAt: number; status: "held" | "committed" | "released" }>(
        "SELECT quantity, expiresAt, status FROM reservations WHERE orderId = ?",
        orderId,
      )
      .toArray()[0];
  }

  #count(status: "available" | "reserved" | "sold"): number {
    return this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM units WHERE status = ?", status).one().n;
  }

  #meta() {
    return this.#sql
      .exec<{ merchantId: string; skuId: string; version: number }>("SELECT merchantId, skuId, version FROM meta")
      .toArray()[0];
  }

  #bind(sku: SkuRef): void {
    this.#sql.exec(
      "INSERT INTO meta (singleton, merchantId, skuId, version) VALUES (1, ?, ?, 0) ON CONFLICT DO NOTHING",
      sku.merchantId,
      sku.skuId,
    );
  }

  /** Bumps the version and reports the new levels, for the catalog's read model. */
  #changed(): void {
    this.#sql.exec("UPDATE meta SET version = version + 1");
    const meta = this.#meta();
    if (!meta) return;
    const levels = this.levels();
    this.#outbox.add({
      type: "stock.changed",
      merchantId: meta.merchantId,
      data: {
        skuId: meta.skuId,
        available: levels.available,
        reserved: levels.reserved,
        sold: levels.sold,
        version: levels.version,
      },
    });
  }

  /** When the next held reservation lapses: the alarm's other duty besides the outbox retry. */
  #nextExpiry(): number | null {
    return this.#sql
      .exec<{ at: number | null }>("SELECT min(expiresAt) AS at FROM reservations WHERE status = 'held'")
      .one().at;
  }
}
