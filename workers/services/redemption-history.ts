import { codes, redemptions } from "@tessera/db/schema";
import { and, desc, eq, lt } from "drizzle-orm";
import type { ServiceContext } from "../context";

/** The merchant's redemptions, newest first, from the read model the events consumer keeps. */
export async function listRedemptions(
  ctx: ServiceContext,
  merchantId: string,
  options: { limit: number; cursor?: string | undefined; status?: "completed" | "reversed" | undefined },
) {
  const filters = [eq(redemptions.merchantId, merchantId)];
  if (options.cursor) filters.push(lt(redemptions.id, options.cursor));
  if (options.status) filters.push(eq(redemptions.status, options.status));
  const rows = await ctx.db
    .select({ redemption: redemptions, skuId: codes.skuId, orderId: codes.orderId })
    .from(redemptions)
    .leftJoin(codes, eq(codes.id, redemptions.codeId))
    .where(and(...filters))
    .orderBy(desc(redemptions.id))
    .limit(options.limit + 1)
    .all();
  const page = rows.slice(0, options.limit);
  return {
    data: page.map(({ redemption, skuId, orderId }) => ({
      id: redemption.id,
      codeId: redemption.codeId,
      skuId,
      orderId,
      partnerId: redemption.partnerId,
      status: redemption.status,
      location: redemption.location,
      createdAt: new Date(redemption.createdAt).toISOString(),
      reversedAt: redemption.reversedAt === null ? null : new Date(redemption.reversedAt).toISOString(),
    })),
    nextCursor: rows.length > options.limit ? (page[page.length - 1]?.redemption.id ?? null) : null,
  };
}
