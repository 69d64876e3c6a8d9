import { findMerchantBySlug, insertMerchant } from "@tessera/db";
import { staff } from "@tessera/db/schema";
import { hashPassword, newId } from "@tessera/domain";
import { eq } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { ApiError } from "../errors";
import { issueApiKey } from "./api-keys";
import { openShopChannel } from "./channels/registry";

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
  if (await findMerchantBySlug(ctx.db, input.slug))
    throw new ApiError("conflict", `The shop name "${input.slug}" is taken`);
  const emailTaken = await ctx.db.select({ id: staff.id }).from(staff).where(eq(staff.email, email)).get();
  if (emailTaken) throw new ApiError("conflict", "A staff member with this email already exists");
  await insertMerchant(
    ctx.db,
    { id, slug: input.slug, name: input.name, locale: input.locale ?? "zh-CN", createdAt: now },
    {
      id: newId("staff"),
      email,
      name: input.name,
      role: "owner",
      passwordHash: await hashPassword(input.ownerPassword),
      createdAt: now,
    },
  );
  await openShopChannel(ctx, { id, name: input.name });
  const key = await issueApiKey(ctx, { merchantId: id, kind: "admin", name: "Owner key", plainKey: adminKey });
  return { id, slug: input.slug, name: input.name, adminApiKey: key.apiKey };
}

export function merchantBySlug(ctx: ServiceContext, slug: string) {
  return findMerchantBySlug(ctx.db, slug);
}
