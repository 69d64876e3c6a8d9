import {
  apiKeyStatement,
  auditStatement,
  findPartner,
  findPartnerKey,
  listPartnersWithKeys,
  partnerStatement,
  revokeApiKeyStatement,
  runAtomic,
} from "@tessera/db";
import { newId } from "@tessera/domain";
import type { AdminCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import { forgetApiKey, mintApiKey } from "./api-keys";
import { auditEntry } from "./audit";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Registers a partner (a shop or app that accepts the merchant's codes) with its first key, in
 * one batch with the audit entry when staff did it (the demo seed has no caller).
 */
export async function createPartner(
  ctx: ServiceContext,
  merchantId: string,
  input: { name: string },
  plainKey?: string,
  caller?: AdminCaller,
) {
  const now = Date.now();
  const id = newId("partner", now);
  const key = await mintApiKey({ kind: "partner", partnerId: id, name: input.name, plainKey }, now);
  await runAtomic(ctx.db, [
    partnerStatement(ctx.db, merchantId, { id, name: input.name, createdAt: now }),
    apiKeyStatement(ctx.db, merchantId, key.row),
    ...(caller
      ? [
          auditStatement(
            ctx.db,
            merchantId,
            auditEntry(caller, "partner.created", id, { name: input.name, keyId: key.row.id }, now),
          ),
        ]
      : []),
  ]);
  return { id, name: input.name, apiKey: key.apiKey, createdAt: new Date(now).toISOString() };
}

/** Partners with their keys: prefixes and dates only, never a key. */
export async function listPartners(ctx: ServiceContext, merchantId: string) {
  const rows = await listPartnersWithKeys(ctx.db, merchantId);
  return {
    data: rows.map(({ partner, keys }) => ({
      id: partner.id,
      name: partner.name,
      createdAt: new Date(partner.createdAt).toISOString(),
      keys: keys.map((key) => ({
        id: key.id,
        prefix: key.prefix,
        createdAt: new Date(key.createdAt).toISOString(),
        revokedAt: iso(key.revokedAt),
      })),
    })),
  };
}

/** Another key for a partner (to rotate: issue, switch over, revoke the old one). Shown once. */
export async function issuePartnerKey(ctx: ServiceContext, caller: AdminCaller, partnerId: string) {
  const partner = await findPartner(ctx.db, caller.merchantId, partnerId);
  if (!partner) throw new ApiError("not_found", "No such partner");
  const now = Date.now();
  const key = await mintApiKey({ kind: "partner", partnerId, name: partner.name }, now);
  await runAtomic(ctx.db, [
    apiKeyStatement(ctx.db, caller.merchantId, key.row),
    auditStatement(ctx.db, caller.merchantId, auditEntry(caller, "api_key.created", key.row.id, { partnerId }, now)),
  ]);
  return { id: key.row.id, apiKey: key.apiKey, prefix: key.row.prefix, createdAt: new Date(now).toISOString() };
}

/**
 * Revokes a partner key. It stops working at once in this isolate; other isolates that verified
 * it in the last 30 seconds may accept it until their cached check lapses. Revoking again
 * changes nothing.
 */
export async function revokePartnerKey(ctx: ServiceContext, caller: AdminCaller, keyId: string): Promise<void> {
  const key = await findPartnerKey(ctx.db, caller.merchantId, keyId);
  if (!key) throw new ApiError("not_found", "No such API key");
  if (key.revokedAt === null) {
    await runAtomic(ctx.db, [
      revokeApiKeyStatement(ctx.db, caller.merchantId, keyId, Date.now()),
      auditStatement(
        ctx.db,
        caller.merchantId,
        auditEntry(caller, "api_key.revoked", keyId, { partnerId: key.partnerId }),
      ),
    ]);
  }
  forgetApiKey(key.hash);
}
