import { DurableObject } from "cloudflare:workers";
import {
  afterActivation,
  afterDeactivation,
  afterUse,
  afterUseReversed,
  type CodeForm,
  type CodePolicy,
  type CodeStatus,
  type FormTerms,
  formOf,
  initialState,
  type LedgerState,
  newRedemptionId,
  nextUseAt,
  refuseActivation,
  refuseUse,
  statusOfCode,
  type UseRefusal,
  validUntil,
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
  /** The currency of a stored-value code's balance (its SKU's). */
  currency?: string | undefined;
}

export interface CodeView {
  codeId: string;
  skuId: string;
  productName: string;
  status: CodeStatus;
  usesTotal: number;
  remainingUses: number;
  /** When it stops working: the policy's expiry, or a time card's window end once known. */
  expiresAt: number | null;
  form: CodeForm;
  terms: FormTerms | null;
  /** Whether a use would be taken now, amount aside; for a licence, whether it is in force (seats aside). */
  usable: boolean;
  currency: string | null;
  balanceTotal: number;
  balanceRemaining: number;
  lastUsedAt: number | null;
  nextUseAt: number | null;
  activatedAt: number | null;
  seatsUsed: number;
}

/** What verification shows beyond the view: a stored value's history, a licence's devices. */
export interface CodeDetail extends CodeView {
  history?: { id: string; amount: number; createdAt: number; reversedAt: number | null; location: string | null }[];
  devices?: { deviceId: string; activatedAt: number }[];
  deviceHoldsSeat?: boolean;
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
  /** Stored value: minor units to spend; null for the forms that take a use. */
  amount?: number | null;
  now?: number;
}

export interface RedemptionView {
  id: string;
  codeId: string;
  createdAt: number;
  /** Stored value: what it spent; absent from redemptions made before the forms. */
  amount?: number | null;
  code: CodeView;
}

/** Why a use is refused (see `refuseUse`), as the ledger answers and replays it. */
export type RedeemRefusal = UseRefusal;

export type RedeemOutcome =
  | { ok: true; replayed: boolean; redemption: RedemptionView }
  /** `replayed`: the refusal the same Idempotency-Key and request got the first time. */
  | { ok: false; error: Exclude<RedeemRefusal, "code_too_soon">; replayed: boolean }
  | { ok: false; error: "code_too_soon"; retryAt: number; replayed: boolean }
  | { ok: false; error: "code_not_found" | "idempotency_key_reused" };

export interface SeatInput {
  merchantId: string;
  lookupKey: string;
  deviceId: string;
  now?: number;
}

export type ActivateOutcome =
  | { ok: true; deviceId: string; activatedAt: number; code: CodeView }
  | { ok: false; error: "code_not_found" | "code_voided" | "code_expired" | "seats_full" | "code_form_mismatch" };

export type DeactivateOutcome =
  /** `fresh`: this call freed the seat (false when it answers an earlier deactivation). */
  | { ok: true; deviceId: string; deactivatedAt: number; fresh: boolean; code: CodeView }
  | { ok: false; error: "code_not_found" | "not_found" | "code_form_mismatch" };

export type ReverseOutcome =
  | { ok: true; redemptionId: string; reversedAt: number; code: CodeView }
  | { ok: false; error: "not_found" | "already_reversed" };

export type VoidOutcome = { ok: true; voidedAt: number; code: CodeView } | { ok: false; error: "not_found" };

interface CodeRow extends LedgerState {
  /** The form's terms as JSON; null for a plain voucher (and codes armed before the forms). */
  terms: string | null;
  currency: string | null;
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

/** The columns the product forms added to `codes`, for ledgers armed before them. */
const FORM_COLUMNS = [
  "terms TEXT",
  "currency TEXT",
  "balanceTotal INTEGER NOT NULL DEFAULT 0",
  "balanceRemaining INTEGER NOT NULL DEFAULT 0",
  "lastUsedAt INTEGER",
  "activatedAt INTEGER",
  "seatsUsed INTEGER NOT NULL DEFAULT 0",
];

const ACTIVATIONS = `CREATE TABLE IF NOT EXISTS activations (
     lookupKey TEXT NOT NULL, deviceId TEXT NOT NULL, activatedAt INTEGER NOT NULL, deactivatedAt INTEGER,
     PRIMARY KEY (lookupKey, deviceId)) WITHOUT ROWID`;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS codes (
     lookupKey TEXT PRIMARY KEY, codeId TEXT NOT NULL, merchantId TEXT NOT NULL, skuId TEXT NOT NULL,
     orderId TEXT NOT NULL, productName TEXT NOT NULL, usesTotal INTEGER NOT NULL,
     usesRemaining INTEGER NOT NULL, issuedAt INTEGER NOT NULL, expiresAt INTEGER,
     voidedAt INTEGER, version INTEGER NOT NULL, ${FORM_COLUMNS.join(", ")}) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS redemptions (
     id TEXT PRIMARY KEY, lookupKey TEXT NOT NULL, partnerId TEXT, idempotencyKey TEXT UNIQUE,
     requestHash TEXT NOT NULL, location TEXT, createdAt INTEGER NOT NULL, reversedAt INTEGER,
     response TEXT NOT NULL, actor TEXT, amount INTEGER)`,
  // A refusal answered under an Idempotency-Key, so the same key and request get it again.
  `CREATE TABLE IF NOT EXISTS refusals (
     idempotencyKey TEXT PRIMARY KEY, lookupKey TEXT NOT NULL, requestHash TEXT NOT NULL,
     error TEXT NOT NULL, createdAt INTEGER NOT NULL) WITHOUT ROWID`,
  ACTIVATIONS,
];

/** Stored-value redemptions verification lists, newest first. */
const HISTORY = 50;

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
      const state = initialState(input.policy, input.issuedAt);
      this.#sql.exec(
        `INSERT INTO codes (lookupKey, codeId, merchantId, skuId, orderId, productName, usesTotal,
           usesRemaining, issuedAt, expiresAt, voidedAt, version, terms, currency, balanceTotal, balanceRemaining,
           lastUsedAt, activatedAt, seatsUsed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1, ?, ?, ?, ?, NULL, NULL, 0)`,
        input.lookupKey,
        input.codeId,
        input.merchantId,
        input.skuId,
        input.orderId,
        input.productName,
        state.usesTotal,
        state.usesRemaining,
        input.issuedAt,
        state.expiresAt,
        input.policy.terms ? JSON.stringify(input.policy.terms) : null,
        input.currency ?? null,
        state.balanceTotal,
        state.balanceRemaining,
      );
      const row = this.#mustLoad(input.lookupKey);
      this.#outbox.add({ type: "code.armed", merchantId: input.merchantId, data: snapshot(row) });
    });
    this.#outbox.afterWrite();
    return view(this.#mustLoad(input.lookupKey), Date.now());
  }

  /**
   * The code as its merchant's partners may see it; null for unknown and foreign codes alike.
   * Stored value comes with its latest redemptions, a licence with the devices holding its seats
   * (and, given a `deviceId`, whether that device is one of them).
   */
  verify(
    merchantId: string,
    lookupKey: string,
    now: number = Date.now(),
    deviceId: string | null = null,
  ): CodeDetail | null {
    const row = this.#load(lookupKey);
    if (!row || row.merchantId !== merchantId) return null;
    const detail: CodeDetail = view(row, now);
    if (detail.form === "balance") {
      detail.history = this.#sql
        .exec<{ id: string; amount: number; createdAt: number; reversedAt: number | null; location: string | null }>(
          `SELECT id, amount, createdAt, reversedAt, location FROM redemptions WHERE lookupKey = ?
           ORDER BY createdAt DESC, id DESC LIMIT ${HISTORY}`,
          lookupKey,
        )
        .toArray();
    }
    if (detail.form === "seats") {
      detail.devices = this.#sql
        .exec<{ deviceId: string; activatedAt: number }>(
          `SELECT deviceId, activatedAt FROM activations WHERE lookupKey = ? AND deactivatedAt IS NULL
           ORDER BY activatedAt, deviceId`,
          lookupKey,
        )
        .toArray();
      if (deviceId !== null) detail.deviceHoldsSeat = detail.devices.some((device) => device.deviceId === deviceId);
    }
    return detail;
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
        if (prior.error !== null) return refusalOutcome(prior.error, policyOf(row), row, now, true);
        return { ok: true, replayed: true, redemption: JSON.parse(prior.response ?? "null") as RedemptionView };
      }
    }
    const policy = policyOf(row);
    const amount = input.amount ?? null;
    const refusal = refuseUse(policy, row, now, amount);
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
      return refusalOutcome(refusal, policy, row, now, false);
    }

    const next = { ...row, ...afterUse(policy, row, now, amount), version: row.version + 1 };
    const actor = actorOf(input);
    const redemption: RedemptionView = {
      id: newRedemptionId(row.lookupKey, now),
      codeId: row.codeId,
      createdAt: now,
      amount,
      code: view(next, now),
    };
    this.ctx.storage.transactionSync(() => {
      this.#writeState(next);
      this.#sql.exec(
        `INSERT INTO redemptions (id, lookupKey, partnerId, idempotencyKey, requestHash, location, createdAt, reversedAt,
           response, actor, amount)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
        redemption.id,
        row.lookupKey,
        input.partnerId,
        input.idempotencyKey === null ? null : idempotencyScope(input, input.idempotencyKey),
        input.requestHash,
        input.location,
        now,
        JSON.stringify(redemption),
        actor,
        amount,
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
          amount,
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
        amount: number | null;
      }>(
        "SELECT lookupKey, reversedAt, partnerId, location, createdAt, actor, amount FROM redemptions WHERE id = ?",
        redemptionId,
      )
      .toArray()[0];
    const row = redemption ? this.#load(redemption.lookupKey) : null;
    if (!redemption || !row || row.merchantId !== merchantId) return { ok: false, error: "not_found" };
    if (partnerId !== null && redemption.partnerId !== partnerId) return { ok: false, error: "not_found" };
    if (redemption.reversedAt !== null) return { ok: false, error: "already_reversed" };

    // The latest use still standing, so a count card's interval runs from it.
    const lastUseLeft =
      this.#sql
        .exec<{ at: number | null }>(
          "SELECT max(createdAt) AS at FROM redemptions WHERE lookupKey = ? AND reversedAt IS NULL AND id != ?",
          row.lookupKey,
          redemptionId,
        )
        .one().at ?? null;
    const next = {
      ...row,
      ...afterUseReversed(policyOf(row), row, redemption.amount, lastUseLeft),
      version: row.version + 1,
    };
    this.ctx.storage.transactionSync(() => {
      this.#sql.exec("UPDATE redemptions SET reversedAt = ? WHERE id = ?", now, redemptionId);
      this.#writeState(next);
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
          amount: redemption.amount,
          redeemedAt: redemption.createdAt,
        },
      });
    });
    this.#remember(next);
    this.#outbox.afterWrite();
    return { ok: true, redemptionId, reversedAt: now, code: view(next, now) };
  }

  /**
   * Takes a licence seat for a device. A device that holds one is confirmed with its first
   * activation time, so a retry never takes a second seat; seats are counted in the same
   * synchronous step that takes one, so a licence never holds more devices than its seats.
   */
  activate(input: SeatInput): ActivateOutcome {
    const now = input.now ?? Date.now();
    const row = this.#load(input.lookupKey);
    if (!row || row.merchantId !== input.merchantId) return { ok: false, error: "code_not_found" };
    const policy = policyOf(row);
    const held = formOf(policy) === "seats" ? this.#seat(row.lookupKey, input.deviceId) : null;
    const holds = held !== null && held.deactivatedAt === null;
    const refusal = refuseActivation(policy, row, now, holds);
    if (refusal) return { ok: false, error: refusal };
    if (held && holds)
      return { ok: true, deviceId: input.deviceId, activatedAt: held.activatedAt, code: view(row, now) };

    const next = { ...row, ...afterActivation(row), version: row.version + 1 };
    this.ctx.storage.transactionSync(() => {
      this.#sql.exec(
        `INSERT INTO activations (lookupKey, deviceId, activatedAt, deactivatedAt) VALUES (?, ?, ?, NULL)
         ON CONFLICT (lookupKey, deviceId) DO UPDATE SET activatedAt = excluded.activatedAt, deactivatedAt = NULL`,
        row.lookupKey,
        input.deviceId,
        now,
      );
      this.#writeState(next);
      this.#outbox.add({
        type: "code.activated",
        merchantId: row.merchantId,
        at: now,
        data: { ...snapshot(next), deviceId: input.deviceId, seatActivatedAt: now },
      });
    });
    this.#remember(next);
    this.#outbox.afterWrite();
    return { ok: true, deviceId: input.deviceId, activatedAt: now, code: view(next, now) };
  }

  /**
   * Frees a device's seat. A device already deactivated (and not activated since) answers with
   * its first deactivation, so a retry frees nothing twice; a licence may be freed even when
   * voided or expired.
   */
  deactivate(input: SeatInput): DeactivateOutcome {
    const now = input.now ?? Date.now();
    const row = this.#load(input.lookupKey);
    if (!row || row.merchantId !== input.merchantId) return { ok: false, error: "code_not_found" };
    if (formOf(policyOf(row)) !== "seats") return { ok: false, error: "code_form_mismatch" };
    const held = this.#seat(row.lookupKey, input.deviceId);
    if (!held) return { ok: false, error: "not_found" };
    if (held.deactivatedAt !== null) {
      return {
        ok: true,
        deviceId: input.deviceId,
        deactivatedAt: held.deactivatedAt,
        fresh: false,
        code: view(row, now),
      };
    }
    const next = { ...row, ...afterDeactivation(row), version: row.version + 1 };
    this.ctx.storage.transactionSync(() => {
      this.#sql.exec(
        "UPDATE activations SET deactivatedAt = ? WHERE lookupKey = ? AND deviceId = ?",
        now,
        row.lookupKey,
        input.deviceId,
      );
      this.#writeState(next);
      this.#outbox.add({
        type: "code.deactivated",
        merchantId: row.merchantId,
        at: now,
        data: { ...snapshot(next), deviceId: input.deviceId, seatActivatedAt: held.activatedAt, deactivatedAt: now },
      });
    });
    this.#remember(next);
    this.#outbox.afterWrite();
    return { ok: true, deviceId: input.deviceId, deactivatedAt: now, fresh: true, code: view(next, now) };
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
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('code', 'codes', 'refusals', 'activations')",
      )
      .toArray()
      .map((table) => table.name);
    this.#armed = tables.includes("code") || tables.includes("codes");
    if (this.#armed && !tables.includes("refusals")) this.#upgrade(tables.includes("code"));
    if (this.#armed && !tables.includes("activations")) this.#addFormColumns();
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

  /**
   * Ledgers armed before the product forms get their columns and the activations table once
   * (the activations table is the mark that this was done, so it costs no query afterwards).
   */
  #addFormColumns(): void {
    this.ctx.storage.transactionSync(() => {
      const has = (table: string) =>
        this.#sql
          .exec<{ name: string }>(`PRAGMA table_info(${table})`)
          .toArray()
          .map((column) => column.name);
      const codeColumns = has("codes");
      for (const column of FORM_COLUMNS) {
        if (!codeColumns.includes(column.split(" ")[0] as string))
          this.#sql.exec(`ALTER TABLE codes ADD COLUMN ${column}`);
      }
      if (!has("redemptions").includes("amount")) this.#sql.exec("ALTER TABLE redemptions ADD COLUMN amount INTEGER");
      this.#sql.exec(ACTIVATIONS);
    });
  }

  /** Writes every field a use, reversal or seat change may move. */
  #writeState(next: CodeRow): void {
    this.#sql.exec(
      `UPDATE codes SET usesRemaining = ?, balanceRemaining = ?, lastUsedAt = ?, activatedAt = ?, seatsUsed = ?,
         version = ? WHERE lookupKey = ?`,
      next.usesRemaining,
      next.balanceRemaining,
      next.lastUsedAt,
      next.activatedAt,
      next.seatsUsed,
      next.version,
      next.lookupKey,
    );
  }

  #seat(lookupKey: string, deviceId: string) {
    return (
      this.#sql
        .exec<{ activatedAt: number; deactivatedAt: number | null }>(
          "SELECT activatedAt, deactivatedAt FROM activations WHERE lookupKey = ? AND deviceId = ?",
          lookupKey,
          deviceId,
        )
        .toArray()[0] ?? null
    );
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

/** A refusal as `redeem` answers it; a count card's says when the next use is allowed. */
function refusalOutcome(
  refusal: RedeemRefusal,
  policy: CodePolicy,
  row: CodeRow,
  now: number,
  replayed: boolean,
): RedeemOutcome {
  if (refusal === "code_too_soon")
    return { ok: false, error: refusal, retryAt: nextUseAt(policy, row) ?? now, replayed };
  return { ok: false, error: refusal, replayed };
}

/** The code's policy as armed: its uses are in its row, its form's terms in JSON beside them. */
function policyOf(row: CodeRow): CodePolicy {
  return { uses: row.usesTotal, validDays: null, terms: row.terms ? (JSON.parse(row.terms) as FormTerms) : null };
}

function view(row: CodeRow, now: number): CodeView {
  const policy = policyOf(row);
  const form = formOf(policy);
  const usable =
    form === "seats"
      ? refuseActivation(policy, row, now, true) === null
      : refuseUse(policy, row, now, form === "balance" ? 1 : null) === null;
  return {
    codeId: row.codeId,
    skuId: row.skuId,
    productName: row.productName,
    status: statusOfCode(policy, row, now),
    usesTotal: row.usesTotal,
    remainingUses: row.usesRemaining,
    expiresAt: validUntil(policy, row),
    form,
    terms: policy.terms ?? null,
    usable,
    currency: row.currency ?? null,
    balanceTotal: row.balanceTotal ?? 0,
    balanceRemaining: row.balanceRemaining ?? 0,
    lastUsedAt: row.lastUsedAt ?? null,
    nextUseAt: nextUseAt(policy, row),
    activatedAt: row.activatedAt ?? null,
    seatsUsed: row.seatsUsed ?? 0,
  };
}

/** The read model's view of a code, versioned so out-of-order events never move it backwards. */
function snapshot(row: CodeRow) {
  const policy = policyOf(row);
  return {
    codeId: row.codeId,
    lookupKey: row.lookupKey,
    skuId: row.skuId,
    orderId: row.orderId,
    usesTotal: row.usesTotal,
    usesRemaining: row.usesRemaining,
    expiresAt: validUntil(policy, row),
    voidedAt: row.voidedAt,
    version: row.version,
    issuedAt: row.issuedAt,
    form: formOf(policy),
    balanceTotal: row.balanceTotal ?? 0,
    balanceRemaining: row.balanceRemaining ?? 0,
    currency: row.currency ?? null,
    activatedAt: row.activatedAt ?? null,
    seatsUsed: row.seatsUsed ?? 0,
  };
}
