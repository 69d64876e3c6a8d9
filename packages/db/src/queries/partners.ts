import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { apiKeys, partners } from "../schema";

export type PartnerRow = typeof partners.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKey = Omit<ApiKeyRow, "merchantId" | "revokedAt">;

export interface PartnerWithKeys {
  partner: PartnerRow;
  keys: ApiKeyRow[];
}

export function partnerStatement(db: Db, merchantId: string, partner: Omit<PartnerRow, "merchantId">) {
  return db.insert(partners).values({ ...partner, merchantId });
}

export function apiKeyStatement(db: Db, merchantId: string, key: NewApiKey) {
  return db
    .insert(apiKeys)
    .values({ ...key, merchantId })
    .onConflictDoNothing({ target: apiKeys.hash });
}

export async function findPartner(db: Db, merchantId: string, partnerId: string): Promise<PartnerRow | null> {
  return (
    (await db
      .select()
      .from(partners)
      .where(and(eq(partners.id, partnerId), eq(partners.merchantId, merchantId)))
      .get()) ?? null
  );
}

/** The merchant's partners, oldest first, each with its keys (never the keys themselves: prefix and hash). */
export async function listPartnersWithKeys(db: Db, merchantId: string): Promise<PartnerWithKeys[]> {
  const [partnerRows, keyRows] = await db.batch([
    db.select().from(partners).where(eq(partners.merchantId, merchantId)).orderBy(asc(partners.id)),
    db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.merchantId, merchantId), eq(apiKeys.kind, "partner")))
      .orderBy(asc(apiKeys.id)),
  ]);
  return partnerRows.map((partner) => ({ partner, keys: keyRows.filter((key) => key.partnerId === partner.id) }));
}

/** A partner key of this merchant; admin keys and other merchants' keys read as missing. */
export async function findPartnerKey(db: Db, merchantId: string, keyId: string): Promise<ApiKeyRow | null> {
  return (
    (await db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.merchantId, merchantId), eq(apiKeys.kind, "partner")))
      .get()) ?? null
  );
}

/** Revokes a key once; a repeat changes nothing (its first revocation time stays). */
export function revokeApiKeyStatement(db: Db, merchantId: string, keyId: string, at: number) {
  return db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.merchantId, merchantId), isNull(apiKeys.revokedAt)));
}
