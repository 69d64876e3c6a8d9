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
 * ledger keeps in storage. Evictions between commands throw the instance (and its cached row)
 * away; nothing may change because of them.
 */

const DAY = 86_400_000;
const MERCHANT = "mer_model_owner";
const FOREIGN = "mer_model_other";

type Partner = "ptn_a" | "ptn_b" | null;

type Command =
  | { kind: "arm"; uses: number; validDays: number | null }
  | { kind: "verify"; foreign: boolean }
  | { kind: "redeem"; foreign: boolean; partner: Partner; key: string | null; location: string | null }
  | { kind: "reverse"; foreign: boolean; partner: Partner; target: number | "unknown" }
  | { kind: "void"; foreign: boolean }
  | { kind: "advance"; ms: number }
  | { kind: "evict" };

const partnerArb = fc.constantFrom<Partner>("ptn_a", "ptn_b", null);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("arm" as const),
      uses: fc.constantFrom(1, 2, 3, 5),
      validDays: fc.constantFrom(null, 1, 30),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("verify" as const), foreign: fc.boolean() }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("redeem" as const),
      foreign: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      partner: partnerArb,
      key: fc.constantFrom(null, "k1", "k2"),
      location: fc.constantFrom(null, "s1", "s2"),
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
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("void" as const), foreign: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      ms: fc.constantFrom(3_600_000, DAY, 10 * DAY, 40 * DAY),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "evict" as const }) },
);

/** Most sequences arm the code first (as fulfilment does); some probe an unarmed ledger for a while. */
const sequenceArb = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    fc.record({
      kind: fc.constant("arm" as const),
      uses: fc.constantFrom(1, 2, 3, 5),
      validDays: fc.constantFrom(null, 1, 30),
    }),
    fc.array(commandArb, { minLength: 20, maxLength: 60, size: "max" }),
  )
  .map(([armFirst, arm, rest]): Command[] => (armFirst ? [arm, ...rest] : rest));

interface ModelRedemption {
  id: string;
  partner: Partner;
  scope: string | null;
  requestHash: string;
  reversed: boolean;
  /** What the first call answered, which a replay must repeat exactly. */
  answer: RedemptionView;
}

interface Model {
  code: null | {
    usesTotal: number;
    remaining: number;
    expiresAt: number | null;
    voidedAt: number | null;
    version: number;
  };
  redemptions: ModelRedemption[];
  now: number;
}

const CODE_ID = "cod_model";
const SKU_ID = "sku_model";
const PRODUCT = "Model product";

function status(code: NonNullable<Model["code"]>, now: number): CodeView["status"] {
  if (code.voidedAt !== null) return "voided";
  if (code.remaining <= 0) return "redeemed";
  if (code.expiresAt !== null && now >= code.expiresAt) return "expired";
  return "active";
}

function viewOf(code: NonNullable<Model["code"]>, now: number): CodeView {
  return {
    codeId: CODE_ID,
    skuId: SKU_ID,
    productName: PRODUCT,
    status: status(code, now),
    usesTotal: code.usesTotal,
    remainingUses: code.remaining,
    expiresAt: code.expiresAt,
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
  lookupKey: string,
  issuedAt: number,
): Promise<string> {
  const now = model.now;
  switch (command.kind) {
    case "arm": {
      const real = await ledger.arm({
        lookupKey,
        codeId: CODE_ID,
        merchantId: MERCHANT,
        skuId: SKU_ID,
        orderId: "ord_model",
        productName: PRODUCT,
        policy: { uses: command.uses, validDays: command.validDays },
        issuedAt,
      });
      // A repeated arm keeps the first policy and state.
      const first = model.code === null;
      model.code ??= {
        usesTotal: command.uses,
        remaining: command.uses,
        expiresAt: command.validDays === null ? null : issuedAt + command.validDays * DAY,
        voidedAt: null,
        version: 1,
      };
      // arm() answers with the wall clock's view; the model's clock only ever runs ahead of it.
      expect(real).toEqual(viewOf(model.code, issuedAt));
      return first ? "arm" : "arm again";
    }
    case "verify": {
      const real = await ledger.verify(command.foreign ? FOREIGN : MERCHANT, now);
      expect(real).toEqual(command.foreign || !model.code ? null : viewOf(model.code, now));
      return real ? `verify ${real.status}` : "verify null";
    }
    case "redeem": {
      const requestHash = JSON.stringify(["code", command.location]);
      const real = await ledger.redeem({
        merchantId: command.foreign ? FOREIGN : MERCHANT,
        partnerId: command.partner,
        ...(command.partner === null ? { actor: "staff:model" } : {}),
        idempotencyKey: command.key,
        requestHash,
        location: command.location,
        now,
      });
      const code = model.code;
      if (command.foreign || !code) {
        expect(real).toEqual({ ok: false, error: "code_not_found" });
        return "redeem code_not_found";
      }
      const scope = scopeOf(command.partner, command.key);
      const prior = scope === null ? undefined : model.redemptions.find((r) => r.scope === scope);
      if (prior) {
        expect(real).toEqual(
          prior.requestHash === requestHash
            ? { ok: true, replayed: true, redemption: prior.answer }
            : { ok: false, error: "idempotency_key_reused" },
        );
        return prior.requestHash === requestHash ? "redeem replayed" : "redeem idempotency_key_reused";
      }
      const refusal = {
        voided: "code_voided",
        redeemed: "code_already_redeemed",
        expired: "code_expired",
        active: null,
      }[status(code, now)];
      if (refusal) {
        expect(real).toEqual({ ok: false, error: refusal });
        return `redeem ${refusal}`;
      }
      code.remaining -= 1;
      code.version += 1;
      expect(real).toMatchObject({ ok: true, replayed: false });
      if (!real.ok || !("redemption" in real)) throw new Error("unreachable");
      const { redemption } = real;
      expect(redemption).toEqual({ id: redemption.id, codeId: CODE_ID, createdAt: now, code: viewOf(code, now) });
      expect(model.redemptions.some((r) => r.id === redemption.id)).toBe(false);
      // The id says which ledger holds it, so a reversal finds its way back here.
      expect(lookupKeyOfRedemption(redemption.id)).toBe(lookupKey);
      model.redemptions.push({
        id: redemption.id,
        partner: command.partner,
        scope,
        requestHash,
        reversed: false,
        answer: redemption,
      });
      return "redeem ok";
    }
    case "reverse": {
      const target =
        command.target === "unknown" || model.redemptions.length === 0
          ? undefined
          : model.redemptions[command.target % model.redemptions.length];
      // An unknown id still points at this ledger, so the ledger itself must say "not found".
      const redemptionId = target?.id ?? newRedemptionId(lookupKey, now);
      const real = await ledger.reverse(command.foreign ? FOREIGN : MERCHANT, redemptionId, command.partner, now);
      const code = model.code;
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
      code.remaining = Math.min(code.usesTotal, code.remaining + 1);
      code.version += 1;
      expect(real).toEqual({ ok: true, redemptionId, reversedAt: now, code: viewOf(code, now) });
      return "reverse ok";
    }
    case "void": {
      const real = await ledger.void(command.foreign ? FOREIGN : MERCHANT, now);
      const code = model.code;
      if (command.foreign || !code) {
        expect(real).toEqual({ ok: false, error: "not_found" });
        return "void not_found";
      }
      if (code.voidedAt === null) {
        code.voidedAt = now;
        code.version += 1;
      }
      expect(real).toEqual({ ok: true, voidedAt: code.voidedAt, code: viewOf(code, now) });
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
    if (!tables.includes("code")) return { tables, code: null, redemptions: [] };
    const code = sql
      .exec<{
        usesTotal: number;
        usesRemaining: number;
        expiresAt: number | null;
        voidedAt: number | null;
        version: number;
      }>("SELECT usesTotal, usesRemaining, expiresAt, voidedAt, version FROM code")
      .one();
    const redemptions = sql
      .exec<{ id: string; partnerId: string | null; reversed: number }>(
        "SELECT id, partnerId, reversedAt IS NOT NULL AS reversed FROM redemptions ORDER BY id",
      )
      .toArray()
      .map((row) => ({ id: row.id, partnerId: row.partnerId, reversed: row.reversed === 1 }));
    return { tables, code: { ...code }, redemptions };
  });
}

function expectedStorage(model: Model) {
  if (!model.code) return { tables: [], code: null, redemptions: [] };
  const { usesTotal, remaining, expiresAt, voidedAt, version } = model.code;
  return {
    tables: expect.arrayContaining(["code", "redemptions", "outbox"]),
    code: { usesTotal, usesRemaining: remaining, expiresAt, voidedAt, version },
    redemptions: model.redemptions
      .map((r) => ({ id: r.id, partnerId: r.partner, reversed: r.reversed }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}

describe("CodeLedger against its model", () => {
  it("50 random sequences of 20 to 61 commands (arm, verify, redeem with and without keys, reverse own / foreign / unknown, void, clock, evict) match the model after every command", async () => {
    let commandsRun = 0;
    let redemptionsTaken = 0;
    const outcomes: Record<string, number> = {};
    await assertProperty(
      "CodeLedger model",
      fc.asyncProperty(sequenceArb, async (commands) => {
        const lookupKey = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
          b.toString(16).padStart(2, "0"),
        ).join("");
        const ledger = env.CODE_LEDGER.get(env.CODE_LEDGER.idFromName(`model-${lookupKey}`));
        const issuedAt = Date.now();
        const model: Model = { code: null, redemptions: [], now: issuedAt };
        const trace: string[] = [];
        try {
          for (const command of commands) {
            trace.push(JSON.stringify(command));
            const outcome = await step(ledger, model, command, lookupKey, issuedAt);
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
      { numRuns: 50 },
    );
    // The runs did real work, not fifty empty ledgers.
    console.info(
      `CodeLedger model: ${commandsRun} commands, ${redemptionsTaken} redemptions`,
      JSON.stringify(outcomes),
    );
    expect(commandsRun).toBeGreaterThan(1_000);
    expect(redemptionsTaken).toBeGreaterThan(50);
    // Every branch of the contract was reached at least once.
    expect(Object.keys(outcomes)).toEqual(
      expect.arrayContaining([
        "arm again",
        "verify null",
        "verify expired",
        "redeem ok",
        "redeem replayed",
        "redeem idempotency_key_reused",
        "redeem code_already_redeemed",
        "redeem code_expired",
        "redeem code_voided",
        "redeem code_not_found",
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
