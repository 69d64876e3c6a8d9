import { apiKeys } from "@tessera/db/schema";
import { newId, randomToken, sha256Hex, timingSafeEqual } from "@tessera/domain";
import { and, eq, isNull } from "drizzle-orm";
import type { ServiceContext } from "../context";

export type KeyKind = "admin" | "partner";

const PREFIX: Record<KeyKind, string> = { admin: "tess_admin_", partner: "tess_partner_" };

export interface IssuedKey {
  id: string;
  apiKey: string;
}

export interface KeyOwner {
  keyId: string;
  merchantId: string;
  partnerId: string | null;
}

/** Mints a key; only its SHA-256 is stored, so the plain key exists once, in this response. */
export async function issueApiKey(
  ctx: ServiceContext,
  input: { merchantId: string; kind: KeyKind; name: string; partnerId?: string; plainKey?: string },
): Promise<IssuedKey> {
  const apiKey = input.plainKey ?? `${PREFIX[input.kind]}${randomToken(32)}`;
  const id = newId("apiKey");
  await ctx.db
    .insert(apiKeys)
    .values({
      id,
      merchantId: input.merchantId,
      kind: input.kind,
      partnerId: input.partnerId ?? null,
      name: input.name,
      prefix: apiKey.slice(0, PREFIX[input.kind].length + 6),
      hash: await sha256Hex(apiKey),
      createdAt: Date.now(),
    })
    .onConflictDoNothing({ target: apiKeys.hash });
  return { id, apiKey };
}

/**
 * Partner keys sit on the redemption hot path, so a verified key is remembered by this isolate
 * for a short while; a revocation takes effect within that time everywhere.
 */
const KEY_CACHE_MS = 30_000;
const keyCache = new Map<string, { owner: KeyOwner | null; until: number }>();

export async function authenticateApiKey(ctx: ServiceContext, kind: KeyKind, apiKey: string): Promise<KeyOwner | null> {
  if (!apiKey.startsWith(PREFIX[kind]) || apiKey.length > 200) return null;
  const hash = await sha256Hex(apiKey);
  const cached = keyCache.get(hash);
  const now = Date.now();
  if (cached && cached.until > now) return cached.owner;
  const row = await ctx.db
    .select({ id: apiKeys.id, merchantId: apiKeys.merchantId, partnerId: apiKeys.partnerId })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), eq(apiKeys.kind, kind), isNull(apiKeys.revokedAt)))
    .get();
  const owner = row ? { keyId: row.id, merchantId: row.merchantId, partnerId: row.partnerId } : null;
  if (keyCache.size > 10_000) keyCache.clear();
  keyCache.set(hash, { owner, until: now + (owner ? KEY_CACHE_MS : 1_000) });
  return owner;
}

export function isOperatorKey(ctx: ServiceContext, presented: string): Promise<boolean> {
  return timingSafeEqual(presented, ctx.config.operatorApiKey);
}
