import { recordAudit } from "@tessera/db";
import { type Currency, lookupKeyOfRedemption, normalizeCode, sha256Hex } from "@tessera/domain";
import { type AdminCaller, actorOf, type PartnerCaller, type ServiceContext } from "../context";
import { ApiError } from "../errors";
import type { CodeDetail, CodeView } from "../objects/code-ledger";
import { auditEntry } from "./audit";
import { codeLedgerOf } from "./code-ledgers";

/**
 * Who verifies, redeems or reverses: a partner (through its API key), or the merchant's own staff
 * at the manual redemption desk (partnerId null, recorded by their actor `staff:…` / `key:…`).
 */
export interface Redeemer {
  merchantId: string;
  partnerId: string | null;
  actor: string;
}

export function partnerRedeemer(partner: PartnerCaller): Redeemer {
  return { merchantId: partner.merchantId, partnerId: partner.partnerId, actor: `partner:${partner.partnerId}` };
}

export function deskRedeemer(caller: AdminCaller): Redeemer {
  return { merchantId: caller.merchantId, partnerId: null, actor: actorOf(caller) };
}

/**
 * The ledger a typed code points at. Malformed input is looked up like any other string (it
 * can never match an armed ledger), so unknown, foreign and malformed codes take the same
 * path and get the same answer: no oracle for guessers.
 */
export async function ledgerFor(ctx: ServiceContext, merchantId: string, code: string) {
  const normalized = normalizeCode(code) ?? `\u0000${code}`;
  const lookupKey = await ctx.vault.lookupKey(merchantId, normalized);
  return { stub: codeLedgerOf(ctx, merchantId, lookupKey), lookupKey, normalized };
}

/** 256 `RedemptionKeys` shards per merchant, by the first two hex characters of the key's hash. */
async function redemptionKeysOf(ctx: ServiceContext, merchantId: string, scopedKey: string) {
  const hash = await sha256Hex(scopedKey);
  return ctx.env.REDEMPTION_KEYS.get(ctx.env.REDEMPTION_KEYS.idFromName(`${merchantId}:${hash.slice(0, 2)}`));
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function codeStatusView(code: CodeView) {
  return { status: code.status, remainingUses: code.remainingUses, expiresAt: iso(code.expiresAt) };
}

/** A stored-value amount as money, in the currency its code was sold in. */
export function moneyOf(code: Pick<CodeView, "currency">, amount: number) {
  return { amount, currency: (code.currency ?? "CNY") as Currency };
}

/** What verification shows of the code's form: balance and history, interval, window, seats. */
function formState(view: CodeDetail) {
  const terms = view.terms;
  return {
    form: view.form,
    ...(terms?.form === "balance"
      ? {
          balance: { remaining: moneyOf(view, view.balanceRemaining), total: moneyOf(view, view.balanceTotal) },
          history: (view.history ?? []).map((use) => ({
            id: use.id,
            amount: moneyOf(view, use.amount),
            createdAt: iso(use.createdAt) as string,
            reversedAt: iso(use.reversedAt),
            location: use.location,
          })),
        }
      : {}),
    ...(terms?.form === "uses" && terms.minIntervalSeconds !== null
      ? { nextUseAt: view.nextUseAt !== null && view.nextUseAt > Date.now() ? iso(view.nextUseAt) : null }
      : {}),
    ...(terms?.form === "time"
      ? {
          window: {
            start: terms.start,
            activatedAt: iso(view.activatedAt),
            validUntil: iso(view.expiresAt),
            weekdays: terms.weekdays,
            hours: terms.hours,
            timeZone: terms.timeZone,
            usableNow: view.usable,
          },
        }
      : {}),
    ...(terms?.form === "seats"
      ? {
          seats: {
            total: terms.seats,
            used: view.seatsUsed,
            devices: (view.devices ?? []).map((device) => ({
              deviceId: device.deviceId,
              activatedAt: iso(device.activatedAt) as string,
            })),
            ...(view.deviceHoldsSeat === undefined ? {} : { deviceHoldsSeat: view.deviceHoldsSeat }),
          },
        }
      : {}),
  };
}

export async function verifyCode(
  ctx: ServiceContext,
  redeemer: Redeemer,
  input: { code: string; deviceId?: string | undefined },
) {
  const { stub, lookupKey } = await ledgerFor(ctx, redeemer.merchantId, input.code);
  const view = await stub.verify(redeemer.merchantId, lookupKey, Date.now(), input.deviceId ?? null);
  if (!view) throw new ApiError("code_not_found");
  return {
    valid: view.usable,
    status: view.status,
    remainingUses: view.remainingUses,
    expiresAt: iso(view.expiresAt),
    productName: view.productName,
    ...formState(view),
  };
}

/**
 * Redeems one use. With an `Idempotency-Key` the code's ledger keeps the key and the answer,
 * a refusal included (the same key and request replay it, `replayed: true`); an unknown code
 * is answered afresh, since recording it would let guesses create storage. The key's `RedemptionKeys` shard is
 * asked first, so the key sent again with another code — whose ledger never saw it — is
 * refused too (422). That claim is one small object call instead of the two D1 writes and the
 * encryption of the generic `idempotent()` middleware.
 */
export async function redeemCode(
  ctx: ServiceContext,
  redeemer: Redeemer,
  input: { code: string; location?: string | undefined; amount?: number | undefined; idempotencyKey: string | null },
) {
  const { stub, lookupKey, normalized } = await ledgerFor(ctx, redeemer.merchantId, input.code);
  const location = input.location ?? null;
  const amount = input.amount ?? null;
  const requestHash = await sha256Hex(
    JSON.stringify(input.amount === undefined ? [normalized, location] : [normalized, location, input.amount]),
  );
  if (input.idempotencyKey !== null) {
    const scopedKey = `${redeemer.partnerId === null ? redeemer.actor : `partner:${redeemer.partnerId}`}\n${input.idempotencyKey}`;
    const keys = await redemptionKeysOf(ctx, redeemer.merchantId, scopedKey);
    if ((await keys.claim(scopedKey, requestHash)) === "other_request") throw new ApiError("idempotency_key_reused");
  }
  const outcome = await stub.redeem({
    lookupKey,
    merchantId: redeemer.merchantId,
    partnerId: redeemer.partnerId,
    actor: redeemer.actor,
    idempotencyKey: input.idempotencyKey,
    requestHash,
    location,
    amount,
  });
  if (!outcome.ok) {
    const replayed = "replayed" in outcome && outcome.replayed;
    const headers: Record<string, string> = replayed ? { "idempotent-replayed": "true" } : {};
    if (outcome.error === "code_too_soon") {
      headers["retry-after"] = String(Math.max(1, Math.ceil((outcome.retryAt - Date.now()) / 1000)));
      throw new ApiError("code_too_soon", `The next use is allowed from ${iso(outcome.retryAt)}`, { headers });
    }
    throw new ApiError(outcome.error, undefined, { headers });
  }
  const { redemption } = outcome;
  return {
    replayed: outcome.replayed,
    result: {
      id: redemption.id,
      createdAt: iso(redemption.createdAt),
      ...(redemption.amount ? { amount: moneyOf(redemption.code, redemption.amount) } : {}),
      code: codeState(redemption.code),
    },
  };
}

/** A code's state after a use or reversal: a stored value's balance with it. */
function codeState(code: CodeView) {
  return {
    status: code.status,
    remainingUses: code.remainingUses,
    ...(code.form === "balance" ? { balance: moneyOf(code, code.balanceRemaining) } : {}),
  };
}

/**
 * Reverses a redemption; its id says which ledger holds it. A partner reaches only its own
 * redemptions; the merchant's staff (partnerId null) any of the merchant's.
 */
export async function reverseRedemption(ctx: ServiceContext, redeemer: Redeemer, redemptionId: string) {
  const lookupKey = lookupKeyOfRedemption(redemptionId);
  if (!lookupKey) throw new ApiError("not_found", "No such redemption");
  const outcome = await codeLedgerOf(ctx, redeemer.merchantId, lookupKey).reverse(
    redeemer.merchantId,
    redemptionId,
    redeemer.partnerId,
  );
  if (!outcome.ok) throw new ApiError(outcome.error, outcome.error === "not_found" ? "No such redemption" : undefined);
  return {
    id: outcome.redemptionId,
    status: "reversed" as const,
    reversedAt: iso(outcome.reversedAt),
    code: codeState(outcome.code),
  };
}

/** A redemption at the manual desk, audited as the staff member's (a replay is not audited twice). */
export async function deskRedeem(
  ctx: ServiceContext,
  caller: AdminCaller,
  input: { code: string; location?: string | undefined; amount?: number | undefined; idempotencyKey: string | null },
) {
  const { replayed, result } = await redeemCode(ctx, deskRedeemer(caller), input);
  if (!replayed) {
    await recordAudit(
      ctx.db,
      caller.merchantId,
      auditEntry(caller, "redemption.created", result.id, { location: input.location ?? null }),
    );
  }
  return { replayed, result };
}

/** A reversal by the merchant's staff, of any of the merchant's redemptions, audited. */
export async function staffReverse(ctx: ServiceContext, caller: AdminCaller, redemptionId: string) {
  const reversal = await reverseRedemption(ctx, deskRedeemer(caller), redemptionId);
  await recordAudit(ctx.db, caller.merchantId, auditEntry(caller, "redemption.reversed", redemptionId));
  return reversal;
}
