import { partners } from "@tessera/db/schema";
import { newId } from "@tessera/domain";
import type { ServiceContext } from "../context";
import { issueApiKey } from "./api-keys";

/** Registers a partner (a shop or app that accepts the merchant's codes) with its first key. */
export async function createPartner(
  ctx: ServiceContext,
  merchantId: string,
  input: { name: string },
  plainKey?: string,
) {
  const now = Date.now();
  const id = newId("partner", now);
  await ctx.db.insert(partners).values({ id, merchantId, name: input.name, createdAt: now });
  const key = await issueApiKey(ctx, { merchantId, kind: "partner", partnerId: id, name: input.name, plainKey });
  return { id, name: input.name, apiKey: key.apiKey, createdAt: new Date(now).toISOString() };
}
