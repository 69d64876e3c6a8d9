import { merchants, staff } from "@tessera/db/schema";
import { hashPassword, newId } from "@tessera/domain";
import { eq } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { ApiError } from "../errors";
import { issueApiKey } from "./api-keys";

export interface NewMerchant {
  slug: string;
  name: string;
  locale?: string;
  ownerEmail: string;
  ownerPassword: string;
}

/** Onboards a merchant with its owner's login and a first admin API key (shown once). */
export async function createMerchant(ctx: ServiceContext, input: NewMerchant, adminKey?: string) {
  const now = Date.now();
  const id = newId("merchant");
  const email = input.ownerEmail.trim().toLowerCase();
  const taken = await ctx.db
    .select({ slug: merchants.slug })
    .from(merchants)
    .where(eq(merchants.slug, input.slug))
    .get();
  if (taken) throw new ApiError("conflict", `The shop name "${input.slug}" is taken`);
  const emailTaken = await ctx.db.select({ id: staff.id }).from(staff).where(eq(staff.email, email)).get();
  if (emailTaken) throw new ApiError("conflict", "A staff member with this email already exists");
  await ctx.db.batch([
    ctx.db.insert(merchants).values({ id, slug: input.slug, name: input.name, locale: input.locale ?? "zh-CN", createdAt: now }),
    ctx.db.insert(staff).values({
      id: newId("staff"),
      merchantId: id,
      email,
      name: input.name,
      role: "owner",
      passwordHash: await hashPassword(input.ownerPassword),
      createdAt: now,
    }),
  ]);
  const key = await issueApiKey(ctx, { merchantId: id, kind: "admin", name: "Owner key", plainKey: adminKey });
  return { id, slug: input.slug, name: input.name, adminApiKey: key.apiKey };
}

export async function merchantBySlug(ctx: ServiceContext, slug: string) {
  return (await ctx.db.select().from(merchants).where(eq(merchants.slug, slug)).get()) ?? null;
}
