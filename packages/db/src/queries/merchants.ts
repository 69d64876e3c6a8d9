import { eq } from "drizzle-orm";
import { type Db, runAtomic } from "../client";
import { merchants, staff } from "../schema";

export type MerchantRow = typeof merchants.$inferSelect;
export type NewMerchant = typeof merchants.$inferInsert;
export type NewStaff = Omit<typeof staff.$inferInsert, "merchantId">;

export async function findMerchantById(db: Db, merchantId: string): Promise<MerchantRow | null> {
  return (await db.select().from(merchants).where(eq(merchants.id, merchantId)).get()) ?? null;
}

export async function findMerchantBySlug(db: Db, slug: string): Promise<MerchantRow | null> {
  return (await db.select().from(merchants).where(eq(merchants.slug, slug)).get()) ?? null;
}

/** A merchant and its owner's login, together or not at all (a taken slug or email writes neither). */
export async function insertMerchant(db: Db, merchant: NewMerchant, owner: NewStaff): Promise<void> {
  await runAtomic(db, [
    db.insert(merchants).values(merchant),
    db.insert(staff).values({ ...owner, merchantId: merchant.id }),
  ]);
}
