import { apiKeyStatement, type NewApiKey } from "@tessera/db";
import { apiKeys } from "@tessera/db/schema";
import { newId, randomToken, sha256Hex, timingSafeEqual } from "@tessera/domain";
import { and, eq, isNull } from "drizzle-orm";
import type { ServiceContext } from "../context";

export type KeyKind = "admin" | "partner" | "channel";

const PREFIX: Record<KeyKind, string> = { admin: "tess_admin_", partner: "tess_partner_", channel: "tess_channel_" };

export interface IssuedKey {
  id: string;
  apiKey: string;
}

export interface KeyOwner {
  keyId: string;
  merchantId: string;
  partnerId: string | null;
  channelId: string | null;
}

/** A new key and the row that stores it: only its SHA-256, so the plain key exists once, in the answer. */
export async function mintApiKey(
  input: {
    kind: KeyKind;
    name: string;
    partnerId?: string | undefined;
    channelId?: string | undefined;
    plainKey?: string | undefined;
  },
  now: number = Date.now(),
): Promise<{ apiKey: string; row: NewApiKey }> {
  const apiKey = input.plainKey ?? `${PREFIX[input.kind]}${randomToken(32)}`;
  return {
    apiKey,
    row: {
      id: newId("apiKey", now),
      kind: input.kind,
      partnerId: input.partnerId ?? null,
      channelId: input.channelId ?? null,
      name: input.name,
      prefix: apiKey.slice(0, PREFIX[input.kind].length + 6),
      hash: await sha256Hex(apiKey),
      createdAt: now,
    },
  };
}

export async function issueApiKey(
  ctx: ServiceContext,
  input: { merchantId: string; kind: KeyKind; name: string; partnerId?: string; plainKey?: string },
): Promise<IssuedKey> {
  const { apiKey, row } = await mintApiKey(input);
  await apiKeyStatement(ctx.db, input.merchantId, row);
  return { id: row.id, apiKey };
}

/**
 * Partner keys sit on the redemption hot path, so a verified key is remembered by the isolate
 * that checked it for up to KEY_CACHE_MS. A revocation clears the entry in the isolate that
 * revoked it at once; every other isolate stops accepting the key within KEY_CACHE_MS.
 */
export const KEY_CACHE_MS = 30_000;
const keyCache = new Map<string, { owner: KeyOwner | null; until: number }>();

/** Drops a key from this isolate's cache, so its revocation takes effect here at once. */
export function forgetApiKey(hash: string): void {
  keyCache.delete(hash);
}

export async function authenticateApiKey(ctx: ServiceContext, kind: KeyKind, apiKey: string): Promise<KeyOwner | null> {
  if (!apiKey.startsWith(PREFIX[kind]) || apiKey.length > 200) return null;
  const hash = await sha256Hex(apiKey);
  const cached = keyCache.get(hash);
  const now = Date.now();
  if (cached && cached.until > now) return cached.owner;
  const row = await ctx.db
    .select({
      id: apiKeys.id,
      merchantId: apiKeys.merchantId,
      partnerId: apiKeys.partnerId,
      channelId: apiKeys.channelId,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), eq(apiKeys.kind, kind), isNull(apiKeys.revokedAt)))
    .get();
  const owner = row
    ? { keyId: row.id, merchantId: row.merchantId, partnerId: row.partnerId, channelId: row.channelId }
    : null;
  if (keyCache.size > 10_000) keyCache.clear();
  keyCache.set(hash, { owner, until: now + (owner ? KEY_CACHE_MS : 1_000) });
  return owner;
}

export function isOperatorKey(ctx: ServiceContext, presented: string): Promise<boolean> {
  return timingSafeEqual(presented, ctx.config.operatorApiKey);
}
