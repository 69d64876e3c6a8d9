import { recordAudit } from "@tessera/db";
import type { AdminCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import type { CodeView } from "../objects/code-ledger";
import { auditEntry } from "./audit";
import { deskRedeemer, ledgerFor, type Redeemer } from "./redemption";

/**
 * Licence keys: a device takes one of the licence's seats and frees it again. The code's own
 * ledger counts the seats, so a licence never holds more devices than it allows.
 */

const iso = (ms: number) => new Date(ms).toISOString();

function seatsOf(code: CodeView) {
  return { total: code.terms?.form === "seats" ? code.terms.seats : 0, used: code.seatsUsed };
}

export async function activateDevice(
  ctx: ServiceContext,
  redeemer: Redeemer,
  input: { code: string; deviceId: string },
) {
  const { stub, lookupKey } = await ledgerFor(ctx, redeemer.merchantId, input.code);
  const outcome = await stub.activate({ merchantId: redeemer.merchantId, lookupKey, deviceId: input.deviceId });
  if (!outcome.ok) throw new ApiError(outcome.error);
  return { deviceId: outcome.deviceId, activatedAt: iso(outcome.activatedAt), seats: seatsOf(outcome.code) };
}

export async function deactivateDevice(
  ctx: ServiceContext,
  redeemer: Redeemer,
  input: { code: string; deviceId: string },
) {
  const { stub, lookupKey } = await ledgerFor(ctx, redeemer.merchantId, input.code);
  const outcome = await stub.deactivate({ merchantId: redeemer.merchantId, lookupKey, deviceId: input.deviceId });
  if (!outcome.ok) {
    throw new ApiError(
      outcome.error,
      outcome.error === "not_found" ? "This device holds no seat of the licence" : undefined,
    );
  }
  return { deviceId: outcome.deviceId, deactivatedAt: iso(outcome.deactivatedAt), seats: seatsOf(outcome.code) };
}

/**
 * Staff free a seat at the desk (the customer lost the device), audited with the licence's code
 * id and the device, never the key itself. A retry answers the first deactivation and is not
 * audited twice.
 */
export async function deskDeactivate(
  ctx: ServiceContext,
  caller: AdminCaller,
  input: { code: string; deviceId: string },
) {
  const { stub, lookupKey } = await ledgerFor(ctx, caller.merchantId, input.code);
  const redeemer = deskRedeemer(caller);
  const outcome = await stub.deactivate({ merchantId: redeemer.merchantId, lookupKey, deviceId: input.deviceId });
  if (!outcome.ok) {
    throw new ApiError(
      outcome.error,
      outcome.error === "not_found" ? "This device holds no seat of the licence" : undefined,
    );
  }
  if (outcome.fresh) {
    await recordAudit(
      ctx.db,
      caller.merchantId,
      auditEntry(caller, "licence.deactivated", outcome.code.codeId, { deviceId: input.deviceId }),
    );
  }
  return { deviceId: outcome.deviceId, deactivatedAt: iso(outcome.deactivatedAt), seats: seatsOf(outcome.code) };
}
