import { DurableObject } from "cloudflare:workers";
import { lendAmount } from "@tessera/domain";
import type { Env } from "../env";
import { Outbox } from "./outbox";
import { LevelCounter, type StockLevels } from "./stock/levels";
import { Reservations } from "./stock/reservations";
import { MAX_TRANSFER_UNITS, type SaleRefusal, type SaleTerms, shardName } from "./stock/sale-terms";
import { type Outgoing, type Transfer, Transfers } from "./stock/transfers";
import { UnitPool } from "./stock/unit-pool";
import type { CommitOutcome } from "./stock-keeper";

export type { SaleRefusal, SaleTerms } from "./stock/sale-terms";

export type SaleReserveOutcome =
  | { ok: true; expiresAt: number; levels: StockLevels }
  | { ok: false; error: SaleRefusal; levels: StockLevels };

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS sale (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), shard INTEGER NOT NULL,
     terms TEXT NOT NULL)`,
  "CREATE TABLE IF NOT EXISTS closure (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), closedAt INTEGER NOT NULL)",
  "CREATE TABLE IF NOT EXISTS customers (customer TEXT PRIMARY KEY, units INTEGER NOT NULL CHECK (units >= 0))",
  "CREATE TABLE IF NOT EXISTS holders (orderId TEXT PRIMARY KEY, customer TEXT NOT NULL)",
  // Siblings this shard told it had nothing to lend: they hear when it has units again.
  "CREATE TABLE IF NOT EXISTS askers (shard INTEGER PRIMARY KEY)",
];

/**
 * How long a sibling that had nothing to lend is not asked again. It says so itself the moment
 * it has units again (before the call that gave them back answers), so this only bounds how
 * long a notice that failed to arrive can keep a buyer from its units.
 */
const EMPTY_FOR_MS = 1_000;
/** A borrowing round goes round the siblings at most this many times for one buyer. */
const MAX_ROUNDS = 4;

/**
 * One shard of a flash sale's stock. A sale's units (card secrets, or slots of a minted good)
 * are split over its shards, and each buyer is always served by their home shard, chosen by a
 * hash of their email: that shard alone counts the buyer's purchases, so the per-customer limit
 * is exact however many shards there are. A shard that runs short borrows from its siblings
 * before it refuses anyone, so the sale sells out exactly: a buyer hears "sold out" only after
 * every sibling had nothing left to lend. Units move between objects only as transfers
 * (`Transfers`), never lost or doubled. When the sale ends (or is cancelled) every unsold unit,
 * and every unit a lapsed reservation gives back later, goes home to the SKU's StockKeeper.
 */
export class StockShard extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  readonly #outbox: Outbox;
  readonly #levels: LevelCounter;
  readonly #units: UnitPool;
  readonly #reservations: Reservations;
  readonly #transfers: Transfers;
  #terms: SaleTerms | undefined;
  #shard = 0;
  #closedAt: number | null = null;
  /** Siblings that had nothing to lend, and when they said so. */
  readonly #empty = new Map<number, number>();
  #borrowing: Promise<number> | null = null;
  /** Set inside a transaction, kept only once it commits: a rolled-back write leaves nothing to trust. */
  #staged: { terms?: SaleTerms; shard?: number; closedAt?: number } = {};

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#levels = new LevelCounter(this.#sql);
    this.#units = new UnitPool(this.#sql, this.#levels);
    this.#reservations = new Reservations(this.#sql, this.#units);
    this.#transfers = new Transfers(this.#sql);
    this.#outbox = new Outbox(ctx, env.EVENTS, () => this.#nextWake());
    ctx.storage.transactionSync(() => {
      for (const statement of SCHEMA) this.#sql.exec(statement);
      UnitPool.createTables(this.#sql);
      Reservations.createTables(this.#sql);
      Transfers.createTables(this.#sql);
      LevelCounter.create(this.#sql, () => ({ available: 0, reserved: 0, sold: 0, version: 0 }));
      Outbox.createTable(this.#sql);
    });
    const sale = this.#sql.exec<{ shard: number; terms: string }>("SELECT shard, terms FROM sale").toArray()[0];
    if (sale) {
      this.#shard = sale.shard;
      this.#terms = JSON.parse(sale.terms) as SaleTerms;
    }
    this.#closedAt =
      this.#sql.exec<{ closedAt: number }>("SELECT closedAt FROM closure").toArray()[0]?.closedAt ?? null;
  }

  /**
   * Adds a transfer's units, once (a repeat adds nothing). The first transfer a shard receives
   * gives it the sale's terms. A closed shard sends what it receives straight home.
   */
  async receive(
    terms: SaleTerms,
    shard: number,
    transfer: Transfer,
  ): Promise<{ received: boolean; levels: StockLevels }> {
    let received = false;
    const levels = this.#write(() => {
      this.#configure(terms, shard);
      received = this.#accept(transfer);
      return received;
    });
    if (received) await this.#afterWrite();
    return { received, levels };
  }

  /**
   * Holds `quantity` units for a buyer's order until its time is up; the same order gets the
   * same answer. Refused before the sale opens and after it ends, past the customer's limit,
   * and when neither this shard nor any sibling has the units.
   */
  async reserve(
    orderId: string,
    customer: string,
    quantity: number,
    ttlMs: number,
    now: number = Date.now(),
  ): Promise<SaleReserveOutcome> {
    for (let round = 0; ; round++) {
      const outcome = this.#tryReserve(orderId, customer, quantity, ttlMs, now);
      if (outcome) return outcome;
      const gained = await this.#borrow(quantity);
      if (gained === 0 || round + 1 >= MAX_ROUNDS * (this.#terms?.shards ?? 1)) {
        return this.#tryReserve(orderId, customer, quantity, ttlMs, now) ?? this.#refuse("sale_sold_out");
      }
    }
  }

  /**
   * Sells the order's units; a repeat returns the same units. A payment after the hold lapsed
   * is served from what this shard still holds, within the customer's limit, while the sale runs.
   */
  commit(orderId: string, quantity: number): CommitOutcome {
    const reservation = this.#reservations.find(orderId);
    if (reservation?.status === "committed") {
      return { ok: true, units: this.#units.unitsOf(orderId), levels: this.#levels.read() };
    }
    const customer = this.#holder(orderId);
    if (reservation?.status !== "held") {
      const terms = this.#terms;
      const refused =
        !terms ||
        customer === null ||
        this.#closedAt !== null ||
        this.#bought(customer) + quantity > terms.perCustomerLimit ||
        !this.#units.canTake(quantity);
      if (refused) return { ok: false, error: "insufficient_stock", levels: this.#levels.read() };
    }
    const levels = this.#write(() => {
      this.#reservations.sell(orderId, quantity, reservation);
      if (reservation?.status !== "held" && customer !== null) this.#count(customer, quantity);
    });
    this.#outbox.afterWrite();
    return { ok: true, units: this.#units.unitsOf(orderId), levels };
  }

  /** As `StockKeeper.release`: a held reservation, or a commit never shown to anyone when told. */
  async release(
    orderId: string,
    options: { includeCommitted?: boolean } = {},
  ): Promise<{ released: number; levels: StockLevels }> {
    const reservation = this.#reservations.find(orderId);
    if (
      !reservation ||
      reservation.status === "released" ||
      (reservation.status === "committed" && !options.includeCommitted)
    ) {
      return { released: 0, levels: this.#levels.read() };
    }
    let released = 0;
    const levels = this.#write(() => {
      released = this.#reservations.release(orderId);
      this.#uncount(orderId, released);
    });
    await this.#afterWrite();
    return { released, levels };
  }

  /**
   * A sibling borrowing: up to `asked` units (or half of this shard's, if more), under the
   * borrower's transfer id, so a retried call gets the same units. Synchronous, so two shards
   * borrowing from each other never wait on one another.
   */
  lend(transferId: string, to: number, asked: number): Transfer["units"] {
    const previous = this.#transfers.find(transferId);
    if (previous) return previous.units;
    const terms = this.#terms;
    const amount =
      terms && this.#closedAt === null
        ? Math.min(MAX_TRANSFER_UNITS, lendAmount(this.#levels.read().available, asked))
        : 0;
    if (!terms || amount === 0) {
      this.ctx.storage.transactionSync(() =>
        this.#sql.exec("INSERT INTO askers (shard) VALUES (?) ON CONFLICT DO NOTHING", to),
      );
      return [];
    }
    let units: Transfer["units"] = [];
    this.#write(() => {
      units = this.#units.send(amount, transferId);
      // Delivered with the answer; the alarm delivers it again in case the borrower never got it.
      this.#transfers.send({ id: transferId, target: String(to), units, terms });
    });
    this.#outbox.afterWrite();
    return units;
  }

  /** A sibling that had nothing has units again. */
  refilled(from: number): void {
    this.#empty.delete(from);
  }

  /**
   * Ends the sale in this shard now (a cancellation) or at its end time: no more reservations,
   * and every unsold unit goes home. Idempotent; the reservations still held stay until they
   * are paid or lapse.
   */
  close(at: number = Date.now()): { closedAt: number | null; levels: StockLevels } {
    const levels = this.#write(() => {
      if (this.#closedAt !== null) return false;
      this.#markClosed(at);
      return true;
    });
    this.#outbox.afterWrite();
    if (this.#transfers.hasUndelivered()) this.ctx.waitUntil(this.deliverTransfers());
    return { closedAt: this.#closedAt, levels };
  }

  levels(): StockLevels {
    return this.#levels.read();
  }

  /** How many units this shard counts against a customer (reserved or bought here). */
  purchasesOf(customer: string): number {
    return this.#bought(customer);
  }

  /** Releases lapsed holds, closes the sale when its time is up, delivers transfers, flushes events. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    await this.expireReservations(now);
    if (this.#terms && this.#closedAt === null && now >= this.#terms.endsAt) this.close(this.#terms.endsAt);
    await this.deliverTransfers();
    await this.#outbox.onAlarm();
  }

  async expireReservations(now: number): Promise<number> {
    const terms = this.#terms;
    if (!terms) return 0;
    const lapsed = this.#reservations.lapsed(now);
    if (lapsed.length === 0) return 0;
    this.#write(() => {
      for (const orderId of lapsed) {
        this.#uncount(orderId, this.#reservations.expire(orderId));
        this.#outbox.add({
          type: "reservation.expired",
          merchantId: terms.merchantId,
          at: now,
          data: { orderId, skuId: terms.skuId },
        });
      }
    });
    await this.#afterWrite();
    return lapsed.length;
  }

  /** Sends every transfer not yet acknowledged; one that fails waits for the next alarm. */
  async deliverTransfers(): Promise<number> {
    const terms = this.#terms;
    if (!terms) return 0;
    let delivered = 0;
    for (const transfer of this.#transfers.undelivered()) {
      try {
        await this.#deliver(terms, transfer);
        this.ctx.storage.transactionSync(() => this.#transfers.delivered(transfer.id));
        delivered++;
      } catch (error) {
        console.warn(JSON.stringify({ msg: "transfer not delivered", transferId: transfer.id, error: String(error) }));
      }
    }
    return delivered;
  }

  pendingEvents(): number {
    return this.#outbox.pending();
  }

  #deliver(terms: SaleTerms, transfer: Outgoing): Promise<unknown> {
    if (transfer.target === "keeper") {
      return this.#keeper(terms).receiveUnits({ merchantId: terms.merchantId, skuId: terms.skuId }, transfer);
    }
    const target = Number(transfer.target);
    return this.#sibling(target).receive(transfer.terms ?? terms, target, transfer);
  }

  /** Synchronous: the reservation, a refusal, or null when this shard is short of units. */
  #tryReserve(
    orderId: string,
    customer: string,
    quantity: number,
    ttlMs: number,
    now: number,
  ): SaleReserveOutcome | null {
    const terms = this.#terms;
    if (!terms) return this.#refuse("sale_not_started");
    const existing = this.#reservations.find(orderId);
    if (existing && existing.status !== "released") {
      return { ok: true, expiresAt: existing.expiresAt, levels: this.#levels.read() };
    }
    if (now < terms.startsAt) return this.#refuse("sale_not_started");
    if (this.#closedAt !== null || now >= terms.endsAt) return this.#refuse("sale_ended");
    if (this.#bought(customer) + quantity > terms.perCustomerLimit) return this.#refuse("sale_limit_exceeded");
    if (!this.#units.canTake(quantity)) return null;
    const expiresAt = now + ttlMs;
    const levels = this.#write(() => {
      this.#reservations.hold(orderId, quantity, expiresAt);
      this.#sql.exec(
        "INSERT INTO holders (orderId, customer) VALUES (?, ?) ON CONFLICT DO UPDATE SET customer = excluded.customer",
        orderId,
        customer,
      );
      this.#count(customer, quantity);
    });
    this.#outbox.afterWrite(expiresAt);
    return { ok: true, expiresAt, levels };
  }

  #refuse(error: SaleRefusal): SaleReserveOutcome {
    return { ok: false, error, levels: this.#levels.read() };
  }

  /** One borrowing round at a time; concurrent buyers share it and then look again. */
  #borrow(quantity: number): Promise<number> {
    this.#borrowing ??= this.#borrowRound(quantity).finally(() => {
      this.#borrowing = null;
    });
    return this.#borrowing;
  }

  /** Asks each sibling in turn, starting with the next one, until this shard holds `quantity` units. */
  async #borrowRound(quantity: number): Promise<number> {
    const terms = this.#terms;
    if (!terms || terms.shards === 1) return 0;
    const short = () => quantity - this.#levels.read().available;
    let gained = 0;
    let failure: unknown = null;
    for (let step = 1; step < terms.shards && short() > 0; step++) {
      const sibling = (this.#shard + step) % terms.shards;
      const emptyAt = this.#empty.get(sibling);
      if (emptyAt !== undefined && Date.now() - emptyAt < EMPTY_FOR_MS) continue;
      const transferId = `${terms.saleId}:lend:${sibling}>${this.#shard}:${crypto.randomUUID()}`;
      let units: Transfer["units"];
      try {
        units = await this.#sibling(sibling).lend(transferId, this.#shard, short());
      } catch (error) {
        failure = error;
        continue;
      }
      if (units.length === 0) {
        this.#empty.set(sibling, Date.now());
        continue;
      }
      this.#empty.delete(sibling);
      this.#write(() => this.#accept({ id: transferId, units }));
      gained += units.length;
      await this.#afterWrite();
    }
    // A sibling that could not answer may hold units: that is an error, not "sold out".
    if (gained === 0 && failure !== null) throw failure;
    return gained;
  }

  /** Adds a transfer's units once; false when it had arrived before. */
  #accept(transfer: Transfer): boolean {
    if (!this.#transfers.accept(transfer.id)) return false;
    this.#units.receive(transfer.units);
    return true;
  }

  #configure(terms: SaleTerms, shard: number): void {
    if (this.#terms) return;
    this.#sql.exec("INSERT INTO sale (singleton, shard, terms) VALUES (1, ?, ?)", shard, JSON.stringify(terms));
    this.#staged.terms = terms;
    this.#staged.shard = shard;
  }

  #markClosed(at: number): void {
    this.#sql.exec("INSERT INTO closure (singleton, closedAt) VALUES (1, ?)", at);
    this.#staged.closedAt = at;
  }

  /**
   * One change in one transaction. A closed shard then sends its available units home (the
   * keeper) or, for a minted good, retires its slots. The version is bumped and the levels
   * reported unless `change` says nothing changed.
   */
  #write(change: () => unknown): StockLevels {
    let levels: StockLevels | undefined;
    try {
      this.ctx.storage.transactionSync(() => {
        const changed = change() !== false;
        const terms = this.#staged.terms ?? this.#terms;
        const closed = (this.#staged.closedAt ?? this.#closedAt) !== null;
        const sentHome = terms && closed ? this.#sendHome(terms) : false;
        levels = changed || sentHome ? this.#changed(terms) : this.#levels.read();
      });
      if (this.#staged.terms) this.#terms = this.#staged.terms;
      if (this.#staged.shard !== undefined) this.#shard = this.#staged.shard;
      if (this.#staged.closedAt !== undefined) this.#closedAt = this.#staged.closedAt;
    } finally {
      this.#staged = {};
    }
    return levels as StockLevels;
  }

  /** This shard's index, as the transaction under way sees it. */
  #index(): number {
    return this.#staged.shard ?? this.#shard;
  }

  /** Inside a closed shard's transaction: unsold units leave, in transfers of bounded size. */
  #sendHome(terms: SaleTerms): boolean {
    let sent = false;
    for (;;) {
      const available = this.#levels.read().available;
      if (available === 0) return sent;
      const id = `${terms.saleId}:home:${this.#index()}:${crypto.randomUUID()}`;
      const units = this.#units.send(Math.min(available, MAX_TRANSFER_UNITS), id);
      // A minted good's slots have no home: unsold, they simply cease to be offered.
      if (!terms.minted) this.#transfers.send({ id, target: "keeper", units, terms: null });
      sent = true;
    }
  }

  #changed(terms: SaleTerms | undefined): StockLevels {
    const levels = this.#levels.bump();
    if (terms) {
      this.#outbox.add({
        type: "sale.level",
        merchantId: terms.merchantId,
        data: { saleId: terms.saleId, skuId: terms.skuId, shard: this.#index(), ...levels },
      });
    }
    return levels;
  }

  /**
   * After a write that may have given this shard units: events and transfers on their way, and
   * every sibling this shard told it had nothing hears that it has units again, before the call
   * that gave them back answers.
   */
  async #afterWrite(): Promise<void> {
    this.#outbox.afterWrite();
    if (this.#transfers.hasUndelivered()) this.ctx.waitUntil(this.deliverTransfers());
    if (this.#levels.read().available === 0) return;
    const askers = this.#sql.exec<{ shard: number }>("SELECT shard FROM askers").toArray();
    await Promise.all(
      askers.map(async ({ shard }) => {
        try {
          await this.#sibling(shard).refilled(this.#shard);
          this.ctx.storage.transactionSync(() => this.#sql.exec("DELETE FROM askers WHERE shard = ?", shard));
        } catch {
          // Kept: told next time; meanwhile the sibling asks again after EMPTY_FOR_MS.
        }
      }),
    );
  }

  #nextWake(): number | null {
    const candidates = [
      this.#reservations.nextExpiry(),
      this.#terms && this.#closedAt === null ? this.#terms.endsAt : null,
      this.#transfers.hasUndelivered() ? Date.now() + 5_000 : null,
    ].filter((at): at is number => at !== null);
    return candidates.length > 0 ? Math.min(...candidates) : null;
  }

  #holder(orderId: string): string | null {
    return (
      this.#sql.exec<{ customer: string }>("SELECT customer FROM holders WHERE orderId = ?", orderId).toArray()[0]
        ?.customer ?? null
    );
  }

  #bought(customer: string): number {
    return (
      this.#sql.exec<{ units: number }>("SELECT units FROM customers WHERE customer = ?", customer).toArray()[0]
        ?.units ?? 0
    );
  }

  #count(customer: string, units: number): void {
    this.#sql.exec(
      "INSERT INTO customers (customer, units) VALUES (?, ?) ON CONFLICT DO UPDATE SET units = units + excluded.units",
      customer,
      units,
    );
  }

  /** The order's customer no longer holds `units` of it. */
  #uncount(orderId: string, units: number): void {
    const customer = this.#holder(orderId);
    if (customer !== null && units > 0) {
      this.#sql.exec("UPDATE customers SET units = units - ? WHERE customer = ?", units, customer);
    }
  }

  #sibling(shard: number): DurableObjectStub<StockShard> {
    const terms = this.#terms as SaleTerms;
    return this.env.STOCK_SHARD.get(this.env.STOCK_SHARD.idFromName(shardName(terms.saleId, shard)));
  }

  #keeper(terms: SaleTerms) {
    return this.env.STOCK_KEEPER.get(this.env.STOCK_KEEPER.idFromName(terms.skuId));
  }
}
