import { lookupKeyOfRedemption, normalizeCode, sha256Hex } from "@tessera/domain";
import type { PartnerCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import type { CodeLedger, CodeView } from "../objects/code-ledger";

function ledger(ctx: ServiceContext, lookupKey: string): DurableObjectStub<CodeLedger> {
  return ctx.env.CODE_LEDGER.get(ctx.env.CODE_LEDGER.idFromName(lookupKey));
}

/**
 * The ledger a typed code points at. Malformed input is looked up like any other string (it
 * can never match an armed ledger), so unknown, foreign and malformed codes take the same
 * path and get the same answer: no oracle for guessers.
 */
async function ledgerFor(ctx: ServiceContext, merchantId: string, code: string) {
  const normalized = normalizeCode(code) ?? `\u0000${code}`;
  const lookupKey = await ctx.vault.lookupKey(merchantId, normalized);
  return { stub: ledger(ctx, lookupKey), normalized };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function codeStatusView(code: CodeView) {
  return { status: code.status, remainingUses: code.remainingUses, expiresAt: iso(code.expiresAt) };
}

export async function verifyCode(ctx: ServiceContext, partner: PartnerCaller, code: string) {
  const { stub } = await ledgerFor(ctx, partner.merchantId, code);
  const view = await stub.verify(partner.merchantId);
  if (!view) throw new ApiError("code_not_found");
  return {
    valid: view.status === "active",
    status: view.status,
    remainingUses: view.remainingUses,
    expiresAt: iso(view.expiresAt),
    productName: view.productName,
  };
}

export async function redeemCode(
  ctx: ServiceContext,
  partner: PartnerCaller,
  input: { code: string; location?: string | undefined; idempotencyKey: string | null },
) {
  const { stub, normalized } = await ledgerFor(ctx, partner.merchantId, input.code);
  const location = input.location ?? null;
  const outcome = await stub.redeem({
    merchantId: partner.merchantId,
    partnerId: partner.partnerId,
    idempotencyKey: input.idempotencyKey,
    requestHash: await sha256Hex(JSON.stringify([normalized, location])),
    location,
  });
  if (!outcome.ok) throw new ApiError(outcome.error);
  const { redemption } = outcome;
  return {
    id: redemption.id,
    createdAt: iso(redemption.createdAt),
    code: { status: redemption.code.status, remainingUses: redemption.code.remainingUses },
  };
}

/** Reverses one of this partner's redemptions; its id says which ledger holds it. */
export async function reverseRedemption(ctx: ServiceContext, partner: PartnerCaller, redemptionId: string) {
  const lookupKey = lookupKeyOfRedemption(redemptionId);
  if (!lookupKey) throw new ApiError("not_found", "No such redemption");
  const outcome = await ledger(ctx, lookupKey).reverse(partner.merchantId, redemptionId, partner.partnerId);
  if (!outcome.ok) throw new ApiError(outcome.error, outcome.error === "not_found" ? "No such redemption" : undefined);
  return {
    id: outcome.redemptionId,
    status: "reversed" as const,
    reversedAt: iso(outcome.reversedAt),
    code: { status: outcome.code.status, remainingUses: outcome.code.remainingUses },
  };
}
