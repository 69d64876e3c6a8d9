import { DurableObject } from "cloudflare:workers";
import { newId, splitQuota } from "@tessera/domain";
import type { Env } from "../env";
import { Outbox } from "./outbox";
import { LevelCounter, type StockLevels } from "./stock/levels";
import type { Pool, StockUnit } from "./stock/pool";
import { Reservations } from "./stock/reservations";
import { MAX_TRANSFER_UNITS, type SaleTerms, shardName } from "./stock/sale-terms";
import { type AccountItem, type AccountSeats, SeatPool } from "./stock/seat-pool";
import { type Outgoing, type Transfer, Transfers } from "./stock/transfers";
import { UnitPool } from "./stock/unit-pool";

export type { StockLevels } from "./stock/levels";
export type { StockUnit } from "./stock/pool";
export type { AccountItem, AccountSeats } from "./stock/seat-pool";

export interface ImportItem {
  /** HMAC of the normalized code: equal for duplicates, meaningless without the key. */
  fingerprint: string;
  codeCiphertext: string;
  secretCiphertext: string | null;
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

const META =
  "CREATE TABLE IF NOT EXISTS meta (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), merchantId TEXT NOT NULL, skuId TEXT NOT NULL, version INTEGER NOT NULL)";

/**
 * One object per SKU: holds the unsold card secrets and the reservations on them, and hands
 * out each unit exactly once. Every method is one synchronous step over its own SQLite, so
 * concurrent buyers are served one after another and no unit is ever sold twice. Expired
 * reservations are released by the object's alarm. Its levels are counters kept in the same
 * transaction as each change, so no call counts the stock.
 */
export class StockKeeper extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  readonly #outbox: Outbox;
  readonly #levels: LevelCounter;
  readonly #units: UnitPool;
  readonly #seats: SeatPool;
  readonly #transfers: Transfers;
  /** Over card secrets, or over seats once the SKU holds shared accounts (its kind never changes). */
  #reservations: Reservations;
  /** The SKU this object serves, once bound; it never changes. */
  #sku: SkuRef | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#levels = new LevelCounter(this.#sql);
    this.#units = new UnitPool(this.#sql, this.#levels);
    this.#seats = new SeatPool(this.#sql, this.#levels);
    this.#transfers = new Transfers(this.#sql);
    this.#reservations = new Reservations(this.#sql, this.#units);
    this.#outbox = new Outbox(ctx, env.EVENTS, () => this.#nextWake());
    // A StockKeeper only exists for a SKU the Worker already validated, so creating its
    // tables up front costs nothing an attacker can multiply.
    ctx.storage.transactionSync(() => {
      this.#sql.exec(META);
      UnitPool.createTables(this.#sql);
      SeatPool.createTables(this.#sql);
      Reservations.createTables(this.#sql);
      Transfers.createTables(this.#sql);
      LevelCounter.create(this.#sql, () => ({ ...UnitPool.countAll(this.#sql), version: this.#storedVersion() }));
      Outbox.createTable(this.#sql);
    });
    this.#sku = this.#meta();
    if (SeatPool.holdsAccounts(this.#sql)) this.#reservations = new Reservations(this.#sql, this.#seats);
  }

  /** Adds units, skipping any whose fingerprint is already held (within this call or before). */
  importUnits(sku: SkuRef, items: ImportItem[]): { imported: number; duplicates: number; levels: StockLevels } {
    let imported = 0;
    this.#write(sku, () => {
      imported = this.#units.insert(items.map((item) => ({ unitId: newId("unit"), ...item })));
      return imported > 0;
    });
    if (imported > 0) this.#outbox.afterWrite();
    return { imported, duplicates: items.length - imported, levels: this.levels() };
  }

  /**
   * Adds shared credentials (loop stock), each with its number of seats, skipping any whose
   * fingerprint is already held. From then on the keeper's reservations are over seats.
   */
  importAccounts(sku: SkuRef, items: AccountItem[]): { imported: number; duplicates: number; levels: StockLevels } {
    let imported = 0;
    this.#write(sku, () => {
      imported = this.#seats.insert(items.map((item) => ({ accountId: newId("unit"), ...item }))).added;
      return imported > 0;
    });
    if (imported > 0) {
      this.#reservations = new Reservations(this.#sql, this.#seats);
      this.#outbox.afterWrite();
    }
    return { imported, duplicates: items.length - imported, levels: this.levels() };
  }

  /** The shared credentials with their seats, oldest first, a page at a time. */
  accounts(limit: number, afterId: string | null = null): AccountSeats[] {
    return this.#seats.list(limit, afterId);
  }

  /** Holds `quantity` units for an order until `expiresAt`; the same order gets the same answer. */
  reserve(sku: SkuRef, orderId: string, quantity: number, ttlMs: number, now: number = Date.now()): ReserveOutcome {
    const existing = this.#reservations.find(orderId);
    if (existing && existing.status !== "released") {
      return { ok: true, expiresAt: existing.expiresAt, levels: this.levels() };
    }
    if (!this.#pool().canTake(quantity)) return { ok: false, error: "insufficient_stock", levels: this.levels() };
    const expiresAt = now + ttlMs;
    const levels = this.#write(sku, () => this.#reservations.hold(orderId, quantity, expiresAt));
    this.#outbox.afterWrite(expiresAt);
    return { ok: true, expiresAt, levels };
  }

  /**
   * Sells the order's units. Idempotent: a repeated commit returns the same units. A payment
   * that arrives after its reservation was released is served from what remains, if enough does.
   */
  commit(sku: SkuRef, orderId: string, quantity: number): CommitOutcome {
    const reservation = this.#reservations.find(orderId);
    if (reservation?.status === "committed") {
      return { ok: true, units: this.#pool().unitsOf(orderId), levels: this.levels() };
    }
    if (reservation?.status !== "held" && !this.#pool().canTake(quantity)) {
      return { ok: false, error: "insufficient_stock", levels: this.levels() };
    }
    const levels = this.#write(sku, () => this.#reservations.sell(orderId, quantity, reservation));
    this.#outbox.afterWrite();
    return { ok: true, units: this.#pool().unitsOf(orderId), levels };
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
    const reservation = this.#reservations.find(orderId);
    if (
      !reservation ||
      reservation.status === "released" ||
      (reservation.status === "committed" && !options.includeCommitted)
    ) {
      return { released: 0, levels: this.levels() };
    }
    let released = 0;
    const levels = this.#write(sku, () => {
      released = this.#reservations.release(orderId);
    });
    this.#outbox.afterWrite();
    return { released, levels };
  }

  /**
   * Moves `quantity` of the oldest available units into a flash sale's shards (split as evenly
   * as whole units allow), so no unit is both on sale and in normal stock. Idempotent by sale:
   * a repeat moves nothing more. The transfers are delivered before this answers, and again
   * from the alarm until every shard has them.
   */
  async allocate(
    sku: SkuRef,
    terms: SaleTerms,
    quantity: number,
  ): Promise<{ ok: true; levels: StockLevels } | { ok: false; error: "insufficient_stock"; levels: StockLevels }> {
    const prefix = `${terms.saleId}:alloc:`;
    if (!this.#transfers.sentUnder(prefix)) {
      if (!this.#units.canTake(quantity)) return { ok: false, error: "insufficient_stock", levels: this.levels() };
      this.#write(sku, () => {
        // Every shard gets at least one transfer, even an empty one: it brings the sale's terms.
        for (const [shard, share] of splitQuota(quantity, terms.shards).entries()) {
          let sent = 0;
          let part = 0;
          do {
            const id = `${prefix}${shard}:${part++}`;
            const units = this.#units.send(Math.min(MAX_TRANSFER_UNITS, share - sent), id);
            this.#transfers.send({ id, target: String(shard), units, terms });
            sent += units.length;
          } while (sent < share);
        }
      });
      this.#outbox.afterWrite();
    }
    await this.deliverTransfers();
    return { ok: true, levels: this.levels() };
  }

  /** Takes back units a sale's shard sends home (unsold when the sale ended); once per transfer. */
  receiveUnits(sku: SkuRef, transfer: Transfer): { received: boolean; levels: StockLevels } {
    let received = false;
    const levels = this.#write(sku, () => {
      received = this.#transfers.accept(transfer.id);
      if (received) this.#units.receive(transfer.units);
      return received;
    });
    if (received) this.#outbox.afterWrite();
    return { received, levels };
  }

  /** Delivers every transfer to a sale's shard not yet acknowledged; a failed one waits for the alarm. */
  async deliverTransfers(): Promise<number> {
    let delivered = 0;
    for (const transfer of this.#transfers.undelivered()) {
      try {
        await this.#deliver(transfer);
        this.ctx.storage.transactionSync(() => this.#transfers.delivered(transfer.id));
        delivered++;
      } catch (error) {
        console.warn(JSON.stringify({ msg: "transfer not delivered", transferId: transfer.id, error: String(error) }));
      }
    }
    return delivered;
  }

  levels(): StockLevels {
    return this.#levels.read();
  }

  /** Releases every held reservation whose time is up, delivers transfers, then flushes what changed. */
  override async alarm(): Promise<void> {
    this.expireReservations(Date.now());
    await this.deliverTransfers();
    await this.#outbox.onAlarm();
  }

  expireReservations(now: number): number {
    const meta = this.#sku;
    if (!meta) return 0;
    const expired = this.#reservations.lapsed(now);
    if (expired.length === 0) return 0;
    this.#write(meta, () => {
      for (const orderId of expired) {
        this.#reservations.expire(orderId);
        this.#outbox.add({
          type: "reservation.expired",
          merchantId: meta.merchantId,
          at: now,
          data: { orderId, skuId: meta.skuId },
        });
      }
    });
    return expired.length;
  }

  pendingEvents(): number {
    return this.#outbox.pending();
  }

  /**
   * One change in one transaction, counted and reported unless `change` says nothing changed;
   * the levels after it. The first write binds the object to its SKU.
   */
  #write(sku: SkuRef, change: () => unknown): StockLevels {
    let levels: StockLevels | undefined;
    this.ctx.storage.transactionSync(() => {
      if (!this.#sku) {
        this.#sql.exec(
          "INSERT INTO meta (singleton, merchantId, skuId, version) VALUES (1, ?, ?, 0) ON CONFLICT DO NOTHING",
          sku.merchantId,
          sku.skuId,
        );
      }
      levels = change() === false ? this.#levels.read() : this.#changed(this.#sku ?? (this.#meta() as SkuRef));
    });
    // Remembered only once committed: a rolled-back transaction leaves nothing to trust.
    this.#sku ??= this.#meta();
    return levels as StockLevels;
  }

  #deliver(transfer: Outgoing): Promise<unknown> {
    const terms = transfer.terms as SaleTerms;
    const shard = Number(transfer.target);
    const stub = this.env.STOCK_SHARD.get(this.env.STOCK_SHARD.idFromName(shardName(terms.saleId, shard)));
    return stub.receive(terms, shard, transfer);
  }

  /** The alarm's other duties besides the outbox: the next lapse, a transfer to retry. */
  #nextWake(): number | null {
    const expiry = this.#reservations.nextExpiry();
    if (!this.#transfers.hasUndelivered()) return expiry;
    return Math.min(expiry ?? Number.POSITIVE_INFINITY, Date.now() + 5_000);
  }

  #pool(): Pool {
    return this.#reservations.pool;
  }

  /** The version an object made before the counters kept it in `meta`. */
  #storedVersion(): number {
    return this.#sql.exec<{ version: number }>("SELECT version FROM meta").toArray()[0]?.version ?? 0;
  }

  #meta(): SkuRef | undefined {
    const row = this.#sql
      .exec<{ merchantId: string; skuId: string; version: number }>("SELECT merchantId, skuId, version FROM meta")
      .toArray()[0];
    return row ? { merchantId: row.merchantId, skuId: row.skuId } : undefined;
  }

  /** Bumps the version and reports the new levels, for the catalog's read model. */
  #changed(sku: SkuRef): StockLevels {
    const levels = this.#levels.bump();
    this.#outbox.add({ type: "stock.changed", merchantId: sku.merchantId, data: { skuId: sku.skuId, ...levels } });
    return levels;
  }
}
