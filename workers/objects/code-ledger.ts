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

export type RedeemOutcome =
  | { ok: true; replayed: boolean; redemption: RedemptionView }
  | { ok: false; error: "code_not_found" | "code_already_redeemed" | "code_expired" | "code_voided" }
  | { ok: false; error: "idempotency_key_reused" };

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
  `CREATE TABLE IF NOT EXISTS code (
     singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
     codeId TEXT NOT NULL, lookupKey TEXT NOT NULL, merchantId TEXT NOT NULL, skuId TEXT NOT NULL,
     orderId TEXT NOT NULL, productName TEXT NOT NULL, usesTotal INTEGER NOT NULL,
     usesRemaining INTEGER NOT NULL, issuedAt INTEGER NOT NULL, expiresAt INTEGER,
     voidedAt INTEGER, version INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS redemptions (
     id TEXT PRIMARY KEY, partnerId TEXT, idempotencyKey TEXT UNIQUE, requestHash TEXT NOT NULL,
     location TEXT, createdAt INTEGER NOT NULL, reversedAt INTEGER, response TEXT NOT NULL, actor TEXT)`,
];

/**
 * One object per issued code: the only place a code's uses change. Every method reads and
 * writes in one synchronous step, so concurrent calls are applied one after another and a
 * code is never redeemed more often than its policy allows. An object for a code that was
 * never armed answers "not found" without creating any storage, so guessing costs nothing.
 */
export class CodeLedger extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  readonly #outbox: Outbox;
  #row: CodeRow | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#outbox = new Outbox(ctx, env.EVENTS);
  }

  /** Arms the ledger with its code and policy; a repeated call returns the first call's state. */
  arm(input: ArmInput): CodeView {
    const existing = this.#load();
    if (existing) return view(existing, Date.now());
    this.ctx.storage.transactionSync(() => {
      for (const statement of SCHEMA) this.#sql.exec(statement);
      Outbox.createTable(this.#sql);
      const expiresAt = expiryOf(input.policy, input.issuedAt);
      this.#sql.exec(
        `INSERT INTO code (singleton, codeId, lookupKey, merchantId, skuId, orderId, productName, usesTotal,
           usesRemaining, issuedAt, expiresAt, voidedAt, version) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1)`,
        input.codeId,
        input.lookupKey,
        input.merchantId,
        input.skuId,
        input.orderId,
        input.productName,
        input.policy.uses,
        input.policy.uses,
        input.issuedAt,
        expiresAt,
      );
      this.#row = undefined;
      const row = this.#mustLoad();
      this.#outbox.add({ type: "code.armed", merchantId: input.merchantId, data: snapshot(row) });
    });
    this.#outbox.afterWrite();
    return view(this.#mustLoad(), Date.now());
  }

  /** The code as its merchant's partners may see it; null for unknown and foreign codes alike. */
  verify(merchantId: string, now: number = Date.now()): CodeView | null {
    const row = this.#load();
    if (!row || row.merchantId !== merchantId) return null;
    return view(row, now);
  }

  redeem(input: RedeemInput): RedeemOutcome {
    const now = input.now ?? Date.now();
    const row = this.#load();
    if (!row || row.merchantId !== input.merchantId) return { ok: false, error: "code_not_found" };
    if (input.idempotencyKey !== null) {
      const prior = this.#sql
        .exec<{ requestHash: string; response: string }>(
          "SELECT requestHash, response FROM redemptions WHERE idempotencyKey = ?",
          idempotencyScope(input, input.idempotencyKey),
        )
        .toArray()[0];
      if (prior) {
        if (prior.requestHash !== input.requestHash) return { ok: false, error: "idempotency_key_reused" };
        return { ok: true, replayed: true, redemption: JSON.parse(prior.response) as RedemptionView };
      }
    }
    const refusal = refuseRedemption(row, now);
    if (refusal) return { ok: false, error: refusal };

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
        "UPDATE code SET usesRemaining = ?, version = ? WHERE singleton = 1",
        next.usesRemaining,
        next.version,
      );
      this.#sql.exec(
        `INSERT INTO redemptions (id, partnerId, idempotencyKey, requestHash, location, createdAt, reversedAt, response, actor)
         VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
        redemption.id,
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
    this.#row = next;
    this.#outbox.afterWrite();
    return { ok: true, replayed: false, redemption };
  }

  /**
   * Gives back the use a redemption took. A partner may reverse only its own redemptions;
   * `partnerId` null is the merchant's staff, who may reverse any of the merchant's.
   */
  reverse(
    merchantId: string,
    redemptionId: string,
    partnerId: string | null,
    now: number = Date.now(),
  ): ReverseOutcome {
    const row = this.#load();
    if (!row || row.merchantId !== merchantId) return { ok: false, error: "not_found" };
    const redemption = this.#sql
      .exec<{
        reversedAt: number | null;
        partnerId: string | null;
        location: string | null;
        createdAt: number;
        actor: string | null;
      }>("SELECT reversedAt, partnerId, location, createdAt, actor FROM redemptions WHERE id = ?", redemptionId)
      .toArray()[0];
    if (!redemption || (partnerId !== null && redemption.partnerId !== partnerId)) {
      return { ok: false, error: "not_found" };
    }
    if (redemption.reversedAt !== null) return { ok: false, error: "already_reversed" };

    const next = { ...row, ...afterReversal(row), version: row.version + 1 };
    this.ctx.storage.transactionSync(() => {
      this.#sql.exec("UPDATE redemptions SET reversedAt = ? WHERE id = ?", now, redemptionId);
      this.#sql.exec(
        "UPDATE code SET usesRemaining = ?, version = ? WHERE singleton = 1",
        next.usesRemaining,
        next.version,
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
    this.#row = next;
    this.#outbox.afterWrite();
    return { ok: true, redemptionId, reversedAt: now, code: view(next, now) };
  }

  /**
   * Voids the code (its order was refunded): no further use is possible, uses already taken
   * stay recorded. Idempotent: voiding a voided code returns when it was first voided.
   */
  void(merchantId: string, now: number = Date.now()): VoidOutcome {
    const row = this.#load();
    if (!row || row.merchantId !== merchantId) return { ok: false, error: "not_found" };
    if (row.voidedAt !== null) return { ok: true, voidedAt: row.voidedAt, code: view(row, now) };
    const next = { ...row, voidedAt: now, version: row.version + 1 };
    this.ctx.storage.transactionSync(() => {
      this.#sql.exec("UPDATE code SET voidedAt = ?, version = ? WHERE singleton = 1", now, next.version);
      this.#outbox.add({ type: "code.voided", merchantId: row.merchantId, at: now, data: snapshot(next) });
    });
    this.#row = next;
    this.#outbox.afterWrite();
    return { ok: true, voidedAt: now, code: view(next, now) };
  }

  override async alarm(): Promise<void> {
    if (!this.#load()) return;
    await this.#outbox.onAlarm();
  }

  /** For tests and operators: events not yet handed to the queue. */
  pendingEvents(): number {
    return this.#load() ? this.#outbox.pending() : 0;
  }

  #load(): CodeRow | null {
    if (this.#row !== undefined) return this.#row;
    const armed = this.#sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'code'")
      .one().n;
    this.#row = armed ? (this.#sql.exec<CodeRow>("SELECT * FROM code").toArray()[0] ?? null) : null;
    if (this.#row) this.#upgrade();
    return this.#row;
  }

  /** Ledgers armed before redemptions recorded who redeemed get the column once. */
  #upgrade(): void {
    const columns = this.#sql.exec<{ name: string }>("PRAGMA table_info(redemptions)").toArray();
    if (!columns.some((column) => column.name === "actor")) {
      this.#sql.exec("ALTER TABLE redemptions ADD COLUMN actor TEXT");
    }
  }

  #mustLoad(): CodeRow {
    const row = this.#load();
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
