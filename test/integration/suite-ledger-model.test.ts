import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { lookupKeyOfRedemption, newRedemptionId } from "@tessera/domain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CodeLedger, CodeView, RedemptionView } from "../../workers/objects/code-ledger";
import { assertProperty } from "../support/property";

/**
 * Model-based test of one CodeLedger: random command sequences run against the real object
 * over RPC and against a plain model written from the contract (not from the ledger's code),
 * compared after every command — the answer, the code as verify() shows it, and what the
 * ledger keeps in storage. Evictions between commands throw the instance (and its cached rows)
 * away; nothing may change because of them. Half the sequences drive one code per object (the
 * `code` layout), half three codes sharing one object (the `shard` layout: their lookup keys
 * share a prefix), where commands on one code must never change another, an unarmed code in
 * an armed object answers "not found" without writing, and an Idempotency-Key is the
 * partner's across the whole object.
 */

const DAY = 86_400_000;
const MERCHANT = "mer_model_owner";
const FOREIGN = "mer_model_other";

type Partner = "ptn_a" | "ptn_b" | null;

/** Which of the object's codes a command names (taken modulo the number of codes). */
type Slot = { slot: number };

/** The forms a model code takes: a voucher, a count card with an hour between uses, stored value. */
type Terms = null | { form: "uses"; minIntervalSeconds: number } | { form: "balance"; balance: number };

type Command =
  | ({ kind: "arm"; uses: number; validDays: number | null; terms: Terms } & Slot)
  | ({ kind: "verify"; foreign: boolean } & Slot)
  | ({
      kind: "redeem";
      foreign: boolean;
      partner: Partner;
      key: string | null;
      location: string | null;
      /** Mostly what the code's form takes (an amount for stored value, none otherwise), sometimes the other. */
      amount: { fits: boolean; value: number };
    } & Slot)
  | { kind: "reverse"; foreign: boolean; partner: Partner; target: number | "unknown" }
  | ({ kind: "void"; foreign: boolean } & Slot)
  | { kind: "advance"; ms: number }
  | { kind: "evict" };

const partnerArb = fc.constantFrom<Partner>("ptn_a", "ptn_b", null);
const termsArb = fc.constantFrom<Terms>(
  null,
  null,
  { form: "uses", minIntervalSeconds: 3_600 },
  { form: "balance", balance: 1_000 },
  { form: "balance", balance: 1_000 },
);
const amountArb = fc.record({
  fits: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  value: fc.constantFrom(300, 700, 1_000),
});
const slotArb = fc.nat(2);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("arm" as const),
      uses: fc.constantFrom(1, 2, 3, 5),
      validDays: fc.constantFrom(null, 1, 30),
      terms: termsArb,
      slot: slotArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("verify" as const), foreign: fc.boolean(), slot: slotArb }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("redeem" as const),
      foreign: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      partner: partnerArb,
      key: fc.constantFrom(null, "k1", "k2"),
      location: fc.constantFrom(null, "s1", "s2"),
      amount: amountArb,
      slot: slotArb,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("reverse" as const),
      foreign: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      partner: partnerArb,
      target: fc.oneof({ weight: 5, arbitrary: fc.nat(20) }, { weight: 1, arbitrary: fc.constant("unknown" as const) }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("void" as const), foreign: fc.boolean(), slot: slotArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      ms: fc.constantFrom(3_600_000, DAY, 10 * DAY, 40 * DAY),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "evict" as const }) },
);

/**
 * One code per object or three in one shard. Most sequences arm a code first (as fulfilment
 * does); some probe an unarmed ledger for a while.
 */
const sequenceArb = fc.record({
  codes: fc.constantFrom(1, 3),
  commands: fc
    .tuple(
      fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      fc.record({
        kind: fc.constant("arm" as const),
        uses: fc.constantFrom(1, 2, 3, 5),
        validDays: fc.constantFrom(null, 1, 30),
        terms: termsArb,
        slot: fc.constant(0),
      }),
      fc.array(commandArb, { minLength: 20, maxLength: 60, size: "max" }),
    )
    .map(([armFirst, arm, rest]): Command[] => (armFirst ? [arm, ...rest] : rest)),
});

interface ModelRedemption {
  id: string;
  slot: number;
  partner: Partner;
  scope: string | null;
  requestHash: string;
  reversed: boolean;
  amount: number | null;
  createdAt: number;
  location: string | null;
  reversedAt: number | null;
  /** What the first call answered, which a replay must repeat exactly. */
  answer: RedemptionView;
}

interface ModelCode {
  terms: Terms;
  usesTotal: number;
  remaining: number;
  /** Stored value: loaded and left (0 for the other forms). */
  balanceTotal: number;
  balance: number;
  expiresAt: number | null;
  voidedAt: number | null;
  version: number;
}

interface Model {
  /** One entry per code the object may hold; null until armed. */
  codes: (ModelCode | null)[];
  lookupKeys: string[];
  redemptions: ModelRedemption[];
  /** Refusals answered under a key, which the same key and request get again. */
  refusals: { scope: string; slot: number; requestHash: string; error: string }[];
  now: number;
}

const codeIdOf = (slot: number) => `cod_model_${slot}`;
const SKU_ID = "sku_model";
const PRODUCT = "Model product";

const isBalance = (code: ModelCode) => code.terms?.form === "balance";

function status(code: ModelCode, now: number): CodeView["status"] {
  if (code.voidedAt !== null) return "voided";
  if ((isBalance(code) ? code.balance : code.remaining) <= 0) return "redeemed";
  if (code.expiresAt !== null && now >= code.expiresAt) return "expired";
  return "active";
}

/** The latest of the slot's uses not reversed: a count card's interval runs from it. */
function lastUse(model: Model, slot: number): number | null {
  const standing = model.redemptions.filter((r) => r.slot === slot && !r.reversed).map((r) => r.createdAt);
  return standing.length === 0 ? null : Math.max(...standing);
}

function nextUse(model: Model, code: ModelCode, slot: number): number | null {
  const last = lastUse(model, slot);
  return code.terms?.form === "uses" && last !== null ? last + code.terms.minIntervalSeconds * 1000 : null;
}

/** Why a use of `amount` is refused now, by the contract; null when it is taken. */
function refusalOf(model: Model, code: ModelCode, slot: number, amount: number | null, now: number) {
  if (isBalance(code) && amount === null) return "amount_required";
  if (!isBalance(code) && amount !== null) return "amount_not_applicable";
  const current = status(code, now);
  if (current === "voided") return "code_voided";
  if (current === "expired") return "code_expired";
  if (isBalance(code)) return (amount ?? 0) > code.balance ? "insufficient_balance" : null;
  if (current === "redeemed") return "code_already_redeemed";
  const next = nextUse(model, code, slot);
  return next !== null && now < next ? "code_too_soon" : null;
}

function viewOf(model: Model, code: ModelCode, slot: number, now: number): CodeView {
  return {
    codeId: codeIdOf(slot),
    skuId: SKU_ID,
    productName: PRODUCT,
    status: status(code, now),
    usesTotal: code.usesTotal,
    remainingUses: code.remaining,
    expiresAt: code.expiresAt,
    form: code.terms?.form ?? "uses",
    terms: code.terms,
    usable: refusalOf(model, code, slot, isBalance(code) ? 1 : null, now) === null,
    currency: isBalance(code) ? "CNY" : null,
    balanceTotal: code.balanceTotal,
    balanceRemaining: code.balance,
    lastUsedAt: lastUse(model, slot),
    nextUseAt: nextUse(model, code, slot),
    activatedAt: null,
    seatsUsed: 0,
  };
}

/** Idempotency keys belong to their partner (or, without one, to the staff member). */
const scopeOf = (partner: Partner, key: string | null) => (key === null ? null : `${partner ?? "staff:model"}:${key}`);

async function evict(stub: DurableObjectStub): Promise<boolean> {
  try {
    await evictDurableObject(stub);
    return true;
  } catch (error) {
    if (!String(error).includes("not currently running")) throw error;
    return false;
  }
}

/** Runs one command on the ledger and on the model; fails on the first difference. */
async function step(
  ledger: DurableObjectStub<CodeLedger>,
  model: Model,
  command: Command,
  issuedAt: number,
): Promise<string> {
  const now = model.now;
  const slot = "slot" in command ? command.slot % model.codes.length : 0;
  const lookupKey = model.lookupKeys[slot] as string;
  switch (command.kind) {
    case "arm": {
      const real = await ledger.arm({
        lookupKey,
        codeId: codeIdOf(slot),
        merchantId: MERCHANT,
        skuId: SKU_ID,
        orderId: "ord_model",
        productName: PRODUCT,
        policy: { uses: command.uses, validDays: command.validDays, terms: command.terms },
        issuedAt,
        ...(command.terms?.form === "balance" ? { currency: "CNY" } : {}),
      });
      // A repeated arm keeps the first policy and state.
      const first = model.codes[slot] === null;
      // Stored value is not counted in uses: its one use stands for the code.
      const uses = command.terms?.form === "balance" ? 1 : command.uses;
      const loaded = command.terms?.form === "balance" ? command.terms.balance : 0;
      const code = model.codes[slot] ?? {
        terms: command.terms,
        usesTotal: uses,
        remaining: uses,
        balanceTotal: loaded,
        balance: loaded,
        expiresAt: command.validDays === null ? null : issuedAt + command.validDays * DAY,
        voidedAt: null,
        version: 1,
      };
      model.codes[slot] = code;
      // arm() answers with the wall clock's view; the model's clock only ever runs ahead of it.
      expect(real).toEqual(viewOf(model, code, slot, issuedAt));
      return first ? "arm" : "arm again";
    }
    case "verify": {
      const real = await ledger.verify(command.foreign ? FOREIGN : MERCHANT, lookupKey, now);
      const code = model.codes[slot];
      const seen = command.foreign || !code ? null : viewOf(model, code, slot, now);
      expect(real).toEqual(
        seen && code && isBalance(code)
          ? {
              ...seen,
              history: model.redemptions
                .filter((r) => r.slot === slot)
                .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
                .slice(0, 50)
                .map((r) => ({
                  id: r.id,
                  amount: r.amount,
                  createdAt: r.createdAt,
                  reversedAt: r.reversedAt,
                  location: r.location,
                })),
            }
          : seen,
      );
      return real ? `verify ${real.status}` : "verify null";
    }
    case "redeem": {
      const stored = model.codes[slot];
      const wantsAmount = stored !== null && stored !== undefined && isBalance(stored);
      const amount = wantsAmount === command.amount.fits ? command.amount.value : null;
      const requestHash = JSON.stringify([`code-${slot}`, command.location, amount]);
      const real = await ledger.redeem({
        lookupKey,
        merchantId: command.foreign ? FOREIGN : MERCHANT,
        partnerId: command.partner,
        ...(command.partner === null ? { actor: "staff:model" } : {}),
        idempotencyKey: command.key,
        requestHash,
        location: command.location,
        amount,
        now,
      });
      const code = model.codes[slot];
      if (command.foreign || !code) {
        expect(real).toEqual({ ok: false, error: "code_not_found" });
        return "redeem code_not_found";
      }
      const scope = scopeOf(command.partner, command.key);
      // A key is the partner's in the whole object: first used on another code, it is refused.
      const refused = scope === null ? undefined : model.refusals.find((r) => r.scope === scope);
      if (refused) {
        expect(real).toEqual(
          refused.requestHash !== requestHash
            ? { ok: false, error: "idempotency_key_reused" }
            : refused.error === "code_too_soon"
              ? // A replayed "too soon" says when the next use is allowed as of now.
                { ok: false, error: refused.error, retryAt: nextUse(model, code, slot) ?? now, replayed: true }
              : { ok: false, error: refused.error, replayed: true },
        );
        return refused.requestHash === requestHash ? "redeem refusal replayed" : "redeem idempotency_key_reused";
      }
      const prior = scope === null ? undefined : model.redemptions.find((r) => r.scope === scope);
      if (prior) {
        if (prior.slot !== slot) outcomeNotes.add("redeem key reused on another code");
        expect(real).toEqual(
          prior.requestHash === requestHash
            ? { ok: true, replayed: true, redemption: prior.answer }
            : { ok: false, error: "idempotency_key_reused" },
        );
        return prior.requestHash === requestHash ? "redeem replayed" : "redeem idempotency_key_reused";
      }
      const refusal = refusalOf(model, code, slot, amount, now);
      if (refusal) {
        expect(real).toEqual(
          refusal === "code_too_soon"
            ? { ok: false, error: refusal, retryAt: nextUse(model, code, slot), replayed: false }
            : { ok: false, error: refusal, replayed: false },
        );
        if (scope !== null) model.refusals.push({ scope, slot, requestHash, error: refusal });
        return `redeem ${refusal}`;
      }
      if (isBalance(code)) code.balance -= amount ?? 0;
      else code.remaining -= 1;
      code.version += 1;
      const entry: ModelRedemption = {
        id: "",
        slot,
        partner: command.partner,
        scope,
        requestHash,
        reversed: false,
        amount,
        createdAt: now,
        location: command.location,
        reversedAt: null,
        answer: null as unknown as RedemptionView,
      };
      expect(real).toMatchObject({ ok: true, replayed: false });
      if (!real.ok || !("redemption" in real)) throw new Error("unreachable");
      const { redemption } = real;
      expect(model.redemptions.some((r) => r.id === redemption.id)).toBe(false);
      model.redemptions.push({ ...entry, id: redemption.id, answer: redemption });
      expect(redemption).toEqual({
        id: redemption.id,
        codeId: codeIdOf(slot),
        createdAt: now,
        amount,
        code: viewOf(model, code, slot, now),
      });
      // The id says which ledger holds it, so a reversal finds its way back here.
      expect(lookupKeyOfRedemption(redemption.id)).toBe(lookupKey);
      return isBalance(code) ? "redeem ok (balance)" : "redeem ok";
    }
    case "reverse": {
      const target =
        command.target === "unknown" || model.redemptions.length === 0
          ? undefined
          : model.redemptions[command.target % model.redemptions.length];
      // An unknown id still points at this ledger, so the ledger itself must say "not found".
      const redemptionId = target?.id ?? newRedemptionId(lookupKey, now);
      const real = await ledger.reverse(command.foreign ? FOREIGN : MERCHANT, redemptionId, command.partner, now);
      const targetSlot = target?.slot ?? 0;
      const code = model.codes[targetSlot];
      // A partner reverses only its own; staff (no partner) any of the merchant's.
      const mine = target && (command.partner === null || target.partner === command.partner);
      if (command.foreign || !code || !target || !mine) {
        expect(real).toEqual({ ok: false, error: "not_found" });
        return target && !mine ? "reverse another partner's" : "reverse not_found";
      }
      if (target.reversed) {
        expect(real).toEqual({ ok: false, error: "already_reversed" });
        return "reverse already_reversed";
      }
      target.reversed = true;
      target.reversedAt = now;
      if (isBalance(code)) code.balance = Math.min(code.balanceTotal, code.balance + (target.amount ?? 0));
      else code.remaining = Math.min(code.usesTotal, code.remaining + 1);
      code.version += 1;
      expect(real).toEqual({ ok: true, redemptionId, reversedAt: now, code: viewOf(model, code, targetSlot, now) });
      return isBalance(code) ? "reverse ok (balance)" : "reverse ok";
    }
    case "void": {
      const real = await ledger.void(command.foreign ? FOREIGN : MERCHANT, lookupKey, now);
      const code = model.codes[slot];
      if (command.foreign || !code) {
        expect(real).toEqual({ ok: false, error: "not_found" });
        return "void not_found";
      }
      if (code.voidedAt === null) {
        code.voidedAt = now;
        code.version += 1;
      }
      expect(real).toEqual({ ok: true, voidedAt: code.voidedAt, code: viewOf(model, code, slot, now) });
      return "void";
    }
    case "advance":
      model.now += command.ms;
      return "advance";
    case "evict":
      return (await evict(ledger)) ? "evicted" : "evict (not running)";
  }
}

/** What the ledger keeps in its own SQLite, reduced to what the model speaks about. */
function stored(ledger: DurableObjectStub<CodeLedger>) {
  return runInDurableObject(ledger, (_instance, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
      )
      .toArray()
      .map((row) => row.name)
      .sort();
    if (!tables.includes("codes")) return { tables, codes: [], redemptions: [], refusals: [] };
    const codes = sql
      .exec<{
        lookupKey: string;
        usesTotal: number;
        usesRemaining: number;
        expiresAt: number | null;
        voidedAt: number | null;
        version: number;
        balanceRemaining: number;
      }>(
        "SELECT lookupKey, usesTotal, usesRemaining, expiresAt, voidedAt, version, balanceRemaining FROM codes ORDER BY lookupKey",
      )
      .toArray()
      .map((row) => ({ ...row }));
    const redemptions = sql
      .exec<{ id: string; lookupKey: string; partnerId: string | null; reversed: number }>(
        "SELECT id, lookupKey, partnerId, reversedAt IS NOT NULL AS reversed FROM redemptions ORDER BY id",
      )
      .toArray()
      .map((row) => ({ id: row.id, lookupKey: row.lookupKey, partnerId: row.partnerId, reversed: row.reversed === 1 }));
    const refusals = sql
      .exec<{ idempotencyKey: string; lookupKey: string; error: string }>(
        "SELECT idempotencyKey, lookupKey, error FROM refusals ORDER BY idempotencyKey",
      )
      .toArray()
      .map((row) => ({ ...row }));
    return { tables, codes, redemptions, refusals };
  });
}

function expectedStorage(model: Model) {
  const armed = model.codes.flatMap((code, slot) =>
    code ? [{ code, lookupKey: model.lookupKeys[slot] as string }] : [],
  );
  // Nothing is written before the first arm, whatever was asked of the object.
  if (armed.length === 0) return { tables: [], codes: [], redemptions: [], refusals: [] };
  return {
    tables: expect.arrayContaining(["codes", "redemptions", "refusals", "outbox"]),
    refusals: model.refusals
      .map((r) => ({ idempotencyKey: r.scope, lookupKey: model.lookupKeys[r.slot], error: r.error }))
      .sort((a, b) => (a.idempotencyKey < b.idempotencyKey ? -1 : 1)),
    codes: armed
      .map(({ code, lookupKey }) => ({
        lookupKey,
        usesTotal: code.usesTotal,
        usesRemaining: code.remaining,
        expiresAt: code.expiresAt,
        voidedAt: code.voidedAt,
        version: code.version,
        balanceRemaining: code.balance,
      }))
      .sort((a, b) => (a.lookupKey < b.lookupKey ? -1 : 1)),
    redemptions: model.redemptions
      .map((r) => ({ id: r.id, lookupKey: model.lookupKeys[r.slot], partnerId: r.partner, reversed: r.reversed }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}

/** Outcomes worth knowing were reached that `step` does not return as its own name. */
const outcomeNotes = new Set<string>();

const randomHex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");

describe("CodeLedger against its model", () => {
  it("60 random sequences of 20 to 61 commands (arm a voucher, count card with an interval or stored value, verify, redeem with and without keys and amounts, reverse own / foreign / unknown, void, clock, evict) on one code or three codes of a shard match the model after every command", async () => {
    let commandsRun = 0;
    let redemptionsTaken = 0;
    const outcomes: Record<string, number> = {};
    const layouts = new Set<number>();
    await assertProperty(
      "CodeLedger model",
      fc.asyncProperty(sequenceArb, async ({ codes, commands }) => {
        // A shard's codes share the prefix of their lookup keys, as `ledgerNameFor` groups them.
        const prefix = randomHex(1);
        const lookupKeys = Array.from({ length: codes }, () => `${prefix}${randomHex(15)}`);
        const ledger = env.CODE_LEDGER.get(env.CODE_LEDGER.idFromName(`model-${randomHex(16)}`));
        const issuedAt = Date.now();
        const model: Model = {
          codes: lookupKeys.map(() => null),
          lookupKeys,
          redemptions: [],
          refusals: [],
          now: issuedAt,
        };
        layouts.add(codes);
        const trace: string[] = [];
        try {
          for (const command of commands) {
            trace.push(JSON.stringify(command));
            const outcome = await step(ledger, model, command, issuedAt);
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
            expect(await stored(ledger)).toEqual(expectedStorage(model));
            commandsRun++;
          }
        } catch (error) {
          throw new Error(
            `after commands:\n  ${trace.join("\n  ")}\n${error instanceof Error ? error.message : error}`,
          );
        }
        redemptionsTaken += model.redemptions.length;
      }),
      { numRuns: 60 },
    );
    // The runs did real work, not fifty empty ledgers.
    console.info(
      `CodeLedger model: ${commandsRun} commands, ${redemptionsTaken} redemptions`,
      JSON.stringify(outcomes),
    );
    expect(commandsRun).toBeGreaterThan(1_000);
    expect([...layouts].sort()).toEqual([1, 3]);
    expect([...outcomeNotes]).toEqual(["redeem key reused on another code"]);
    expect(redemptionsTaken).toBeGreaterThan(50);
    // Every branch of the contract was reached at least once.
    expect(Object.keys(outcomes)).toEqual(
      expect.arrayContaining([
        "arm again",
        "verify null",
        "verify expired",
        "redeem ok",
        "redeem replayed",
        "redeem refusal replayed",
        "redeem idempotency_key_reused",
        "redeem code_already_redeemed",
        "redeem code_expired",
        "redeem code_voided",
        "redeem code_not_found",
        "redeem ok (balance)",
        "redeem insufficient_balance",
        "redeem amount_required",
        "redeem amount_not_applicable",
        "redeem code_too_soon",
        "reverse ok (balance)",
        "reverse ok",
        "reverse already_reversed",
        "reverse another partner's",
        "reverse not_found",
        "void",
        "evicted",
      ]),
    );
  });
});
