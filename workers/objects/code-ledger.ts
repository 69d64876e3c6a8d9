import { DurableObject } from "cloudflare:workers";
import {
  afterRedemption,
  afterReversal,
  type CodePolicy,
  type CodeState,
  type CodeStatus,
  expiryOf,
  newRedemptionId,
  refuseRedemption,
  statusOf,
} from "@tessera/domain";
import type { Env } from "../env";
import { Outbox } from "./outbox";

export interface ArmInput {
  lookupKey: string;
  codeId: string;
  merchantId: string;
  skuId: string;
  orderId: string;
  productName: string;
  policy: CodePolicy;
  issuedAt: number;
}

export interface CodeView {
  codeId: string;
  skuId: string;
  productName: string;
  status: CodeStatus;
  usesTotal: number;
  remainingUses: number;
  expiresAt: number | null;
}

export interface RedeemInput {
  lookupKey: string;
  merchantId: string;
  partnerId: string | null;
  /** Who redeems at the manual redemption desk (`staff:…`, `key:…`); a partner is `partner:<partnerId>`. */
  actor?: string | undefined;
  idempotencyKey: string | null;
  /** Hash of what the caller asked for, so a reused key with another request is refused. */
  requestHash: string;
  location: string | null;
  now?: number;
}

export interface RedemptionView {
  id: string;
  codeId: string;
  createdAt: number;
  code: CodeView;
}

export type RedeemRefusal = "code_already_redeemed" | "code_expired" | "code_voided";

export type RedeemOutcome =
  | { ok: true; replayed: boolean; redemption: RedemptionView }
  /** `replayed`: the refusal the same Idempotency-Key and request got the first time. */
  | { ok: false; error: RedeemRefusal; replayed: boolean }
  | { ok: false; error: "code_not_found" | "idempotency_key_reused" };

export type ReverseOutcome =
  | { ok: true; redemptionId: string; reversedAt: number; code: CodeView }
  | { ok: false; error: "not_found" | "already_reversed" };

export type VoidOutcome = { ok: true; voidedAt: number; code: CodeView } | { ok: false; error: "not_found" };

interface CodeRow extends CodeState {
  codeId: string;
  lookupKey: string;
  merchantId: string;
  skuId: string;
  orderId: string;
  productName: string;
  issuedAt: number;
  version: number;
  [key: string]: SqlStorageValue;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS codes (
     lookupKey TEXT PRIMARY KEY, codeId TEXT NOT NULL, merchantId TEXT NOT NULL, skuId TEXT NOT NULL,
     orderId TEXT NOT NULL, productName TEXT NOT NULL, usesTotal INTEGER NOT NULL,
     usesRemaining INTEGER NOT NULL, issuedAt INTEGER NOT NULL, expiresAt INTEGER,
     voidedAt INTEGER, version INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS redemptions (
     id TEXT PRIMARY KEY, lookupKey TEXT NOT NULL, partnerId TEXT, idempotencyKey TEXT UNIQUE,
     requestHash TEXT NOT NULL, location TEXT, createdAt INTEGER NOT NULL, reversedAt INTEGER,
     response TEXT NOT NULL, actor TEXT)`,
  // A refusal answered under an Idempotency-Key, so the same key and request get it again.
  `CREATE TABLE IF NOT EXISTS refusals (
     idempotencyKey TEXT PRIMARY KEY, lookupKey TEXT NOT NULL, requestHash TEXT NOT NULL,
     error TEXT NOT NULL, createdAt INTEGER NOT NULL) WITHOUT ROWID`,
];

/** Rows kept in memory per object; a shard of a large merchant holds more codes than are hot. */
const CACHED_CODES = 512;

/**
 * The only place a code's uses change. One object holds one code or many (see `ledgerNameFor`:
 * one per code, or a merchant's codes sharded by a prefix of their lookup key), each in a row
 * keyed by its lookup key. Every method reads and writes in one synchronous step, so
 * concurrent calls are applied one after another and a code is never redeemed more often than
 * its policy allows. An object no code was ever armed in answers "not found" without creating
 * any storage, and an unknown code in an armed object only reads, so guessing costs nothing.
 */
export class CodeLedger extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  readonly #outbox: Outbox;
  /** Whether this object's tables exist; only `arm` creates them, so a cached answer stays true. */
  #armed: boolean | undefined;
  /** Armed codes already read, most recently used last. Unknown keys are never cached. */
  readonly #rows = new Map<string, CodeRow>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#outbox = new Outbox(ctx, env.EVENTS);
  }

  /** Arms the ledger with its code and policy; a repeated call returns the first call's state. */
  arm(input: ArmInput): CodeView {
    const existing = this.#load(input.lookupKey);
    if (existing) return view(existing, Date.now());
    this.ctx.storage.transactionSync(() => {
      for (const statement of SCHEMA) this.#sql.exec(statement);
      Outbox.createTable(this.#sql);
      this.#armed = true;
      const expiresAt = expiryOf(input.policy, input.issuedAt);
      this.#sql.exec(
        `INSERT INTO codes (lookupKey, codeId, merchantId, skuId, orderId, productName, usesTotal,
           usesRemaining, issuedAt, expiresAt, voidedAt, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1)`,
        input.lookupKey,
        input.codeId,
        input.merchantId,
        input.skuId,
        input.orderId,
        input.productName,
        input.policy.uses,
        input.policy.uses,
        input.issuedAt,
        expiresAt,
      );
      const row = this.#mustLoad(input.lookupKey);
      this.#outbox.add({ type: "code.armed", merchantId: input.merchantId, data: snapshot(row) });
    });
    this.#outbox.afterWrite();
    return view(this.#mustLoad(input.lookupKey), Date.now());
  }

  /** The code as its merchant's partners may see it; null for unknown and foreign codes alike. */
  verify(merchantId: string, lookupKey: string, now: number = Date.now()): CodeView | null {
    const row = this.#load(lookupKey);
    if (!row || row.merchantId !== merchantId) return null;
    return view(row, now);
  }

  redeem(input: RedeemInput): RedeemOutcome {
    const now = input.now ?? Date.now();
    const row = this.#load(input.lookupKey);
    if (!row || row.merchantId !== input.merchantId) return { ok: false, error: "code_not_found" };
    const scope = input.idempotencyKey === null ? null : idempotencyScope(input, input.idempotencyKey);
    if (scope !== null) {
      // Keys are unique in the whole object: under the sharded layout a key first used on
      // another code of the same shard is refused here too (its request hash names that code).
      const prior = this.#sql
        .exec<{ requestHash: string; response: string | null; error: RedeemRefusal | null }>(
          `SELECT requestHash, response, NULL AS error FROM redemptions WHERE idempotencyKey = ?1
           UNION ALL SELECT requestHash, NULL, error FROM refusals WHERE idempotencyKey = ?1`,
          scope,
        )
        .toArray()[0];
      if (prior) {
        if (prior.requestHash !== input.requestHash) return { ok: false, error: "idempotency_key_reused" };
        if (prior.error !== null) return { ok: false, error: prior.error, replayed: true };
        return { ok: true, replayed: true, redemption: JSON.parse(prior.response ?? "null") as RedemptionView };
      }
    }
    const refusal = refuseRedemption(row, now);
    if (refusal) {
      if (scope !== null) {
        this.#sql.exec(
          "INSERT INTO refusals (idempotencyKey, lookupKey, requestHash, error, createdAt) VALUES (?, ?, ?, ?, ?)",
          scope,
          row.lookupKey,
          input.requestHash,
          refusal,
          now,
        );
      }
      return { ok: false, error: refusal, replayed: false };
    }

    const next = { ...row, ...afterRedemption(row), version: row.version + 1 };
    const actor = actorOf(input);
    const redemption: RedemptionView = {
      id: newRedemptionId(row.lookupKey, now),
      codeId: row.codeId,
      createdAt: now,
      code: view(next, now),
    };
    this.ctx.storage.transactionSync(() => {
      this.#sql.exec(
        "UPDATE codes SET usesRemaining = ?, version = ? WHERE lookupKey = ?",
        next.usesRemaining,
        next.version,
        row.lookupKey,
      );
      this.#sql.exec(
        `INSERT INTO redemptions (id, lookupKey, partnerId, idempotencyKey, requestHash, location, createdAt, reversedAt, response, actor)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
        redemption.id,
        row.lookupKey,
        input.partnerId,
        input.idempotencyKey === null ? null : idempotencyScope(input, input.idempotencyKey),
        input.requestHash,
        input.location,
        now,
        JSON.stringify(redemption),
        actor,
      );
      this.#outbox.add({
        type: "code.redeemed",
        merchantId: row.merchantId,
        at: now,
        data: {
          ...snapshot(next),
          redemptionId: redemption.id,
          partnerId: input.partnerId,
          location: input.location,
          actor,
        },
      });
    });
    this.#remember(next);
    this.#outbox.afterWrite();
    return { ok: true, replayed: false, redemption };
  }

  /**
   * Gives back the use a redemption took; the redemption's row names its code. A partner may
   * reverse only its own redemptions; `partnerId` null is the merchant's staff, who may reverse
   * any of the merchant's.
   */
  reverse(
    merchantId: string,
    redemptionId: string,
    partnerId: string | null,
    now: number = Date.now(),
  ): ReverseOutcome {
    if (!this.#isArmed()) return { ok: false, error: "not_found" };
    const redemption = this.#sql
      .exec<{
        lookupKey: string;
        reversedAt: number | null;
        partnerId: string | null;
        location: string | null;
        createdAt: number;
        actor: string | null;
      }>(
        "SELECT lookupKey, reversedAt, partnerId, location, createdAt, actor FROM redemptions WHERE id = ?",
        redemptionId,
      )
      .toArray()[0];
    const row = redemption ? this.#load(redemption.lookupKey) : null;
    if (!redemption || !row || row.merchantId !== merchantId) return { ok: false, error: "not_found" };
    if (partnerId !== null && redemption.partnerId !== partnerId) return { ok: false, error: "not_found" };
    if (redemption.reversedAt !== null) return { ok: false, error: "already_reversed" };

    const next = { ...row, ...afterReversal(row), version: row.version + 1 };
    this.ctx.storage.transactionSync(() => {
      this.#sql.exec("UPDATE redemptions SET reversedAt = ? WHERE id = ?", now, redemptionId);
      this.#sql.exec(
        "UPDATE codes SET usesRemaining = ?, version = ? WHERE lookupKey = ?",
        next.usesRemaining,
        next.version,
        row.lookupKey,
      );
      this.#outbox.add({
        type: "code.reversed",
        merchantId: row.merchantId,
        at: now,
        // The whole redemption travels with its reversal, so the read model is right even
        // when the reversal's event arrives before the redemption's.
        data: {
          ...snapshot(next),
          redemptionId,
          partnerId: redemption.partnerId,
          location: redemption.location,
          actor: redemption.actor,
          redeemedAt: redemption.createdAt,
        },
      });
    });
    this.#remember(next);
    this.#outbox.afterWrite();
    return { ok: true, redemptionId, reversedAt: now, code: view(next, now) };
  }

  /**
   * Voids the code (its order was refunded): no further use is possible, uses already taken
   * stay recorded. Idempotent: voiding a voided code returns when it was first voided.
   */
  void(merchantId: string, lookupKey: string, now: number = Date.now()): VoidOutcome {
    const row = this.#load(lookupKey);
    if (!row || row.merchantId !== merchantId) return { ok: false, error: "not_found" };
    if (row.voidedAt !== null) return { ok: true, voidedAt: row.voidedAt, code: view(row, now) };
    const next = { ...row, voidedAt: now, version: row.version + 1 };
    this.ctx.storage.transactionSync(() => {
      this.#sql.exec(
        "UPDATE codes SET voidedAt = ?, version = ? WHERE lookupKey = ?",
        now,
        next.version,
        row.lookupKey,
      );
      this.#outbox.add({ type: "code.voided", merchantId: row.merchantId, at: now, data: snapshot(next) });
    });
    this.#remember(next);
    this.#outbox.afterWrite();
    return { ok: true, voidedAt: now, code: view(next, now) };
  }

  override async alarm(): Promise<void> {
    if (!this.#isArmed()) return;
    await this.#outbox.onAlarm();
  }

  /** For tests and operators: events not yet handed to the queue. */
  pendingEvents(): number {
    return this.#isArmed() ? this.#outbox.pending() : 0;
  }

  #isArmed(): boolean {
    if (this.#armed !== undefined) return this.#armed;
    const tables = this.#sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('code', 'codes', 'refusals')",
      )
      .toArray()
      .map((table) => table.name);
    this.#armed = tables.includes("code") || tables.includes("codes");
    if (this.#armed && !tables.includes("refusals")) this.#upgrade(tables.includes("code"));
    return this.#armed;
  }

  #load(lookupKey: string): CodeRow | null {
    const cached = this.#rows.get(lookupKey);
    if (cached) {
      this.#remember(cached);
      return cached;
    }
    if (!this.#isArmed()) return null;
    const row = this.#sql.exec<CodeRow>("SELECT * FROM codes WHERE lookupKey = ?", lookupKey).toArray()[0];
    if (!row) return null;
    this.#remember(row);
    return row;
  }

  #remember(row: CodeRow): void {
    this.#rows.delete(row.lookupKey);
    this.#rows.set(row.lookupKey, row);
    if (this.#rows.size > CACHED_CODES) {
      const oldest = this.#rows.keys().next().value;
      if (oldest !== undefined) this.#rows.delete(oldest);
    }
  }

  /**
   * A ledger armed before one object could hold many codes kept its code in a one-row `code`
   * table (and maybe redemptions without `actor`): moved once into the keyed tables. Any older
   * ledger gets the tables it lacks.
   */
  #upgrade(singleCode: boolean): void {
    this.ctx.storage.transactionSync(() => {
      if (!singleCode) {
        for (const statement of SCHEMA) this.#sql.exec(statement);
        return;
      }
      const columns = this.#sql
        .exec<{ name: string }>("PRAGMA table_info(redemptions)")
        .toArray()
        .map((column) => column.name);
      if (!columns.includes("actor")) this.#sql.exec("ALTER TABLE redemptions ADD COLUMN actor TEXT");
      if (!columns.includes("lookupKey")) {
        this.#sql.exec("ALTER TABLE redemptions ADD COLUMN lookupKey TEXT NOT NULL DEFAULT ''");
        this.#sql.exec("UPDATE redemptions SET lookupKey = (SELECT lookupKey FROM code)");
      }
      for (const statement of SCHEMA) this.#sql.exec(statement);
      this.#sql.exec(
        `INSERT INTO codes (lookupKey, codeId, merchantId, skuId, orderId, productName, usesTotal, usesRemaining,
           issuedAt, expiresAt, voidedAt, version)
         SELECT lookupKey, codeId, merchantId, skuId, orderId, productName, usesTotal, usesRemaining,
           issuedAt, expiresAt, voidedAt, version FROM code`,
      );
      this.#sql.exec("DROP TABLE code");
    });
  }

  #mustLoad(lookupKey: string): CodeRow {
    const row = this.#load(lookupKey);
    if (!row) throw new Error("ledger not armed");
    return row;
  }
}

function actorOf(input: Pick<RedeemInput, "partnerId" | "actor">): string | null {
  return input.actor ?? (input.partnerId === null ? null : `partner:${input.partnerId}`);
}

/** Idempotency keys are a partner's own, or (at the desk, without a partner) the staff member's. */
function idempotencyScope(input: Pick<RedeemInput, "partnerId" | "actor">, key: string): string {
  return `${input.partnerId ?? input.actor ?? "-"}:${key}`;
}

function view(row: CodeRow, now: number): CodeView {
  return {
    codeId: row.codeId,
    skuId: row.skuId,
    productName: row.productName,
    status: statusOf(row, now),
    usesTotal: row.usesTotal,
    remainingUses: row.usesRemaining,
    expiresAt: row.expiresAt,
  };
}

/** The read model's view of a code, versioned so out-of-order events never move it backwards. */
function snapshot(row: CodeRow) {
  return {
    codeId: row.codeId,
    lookupKey: row.lookupKey,
    skuId: row.skuId,
    orderId: row.orderId,
    usesTotal: row.usesTotal,
    usesRemaining: row.usesRemaining,
    expiresAt: row.expiresAt,
    voidedAt: row.voidedAt,
    version: row.version,
    issuedAt: row.issuedAt,
  };
}
