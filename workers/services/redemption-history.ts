import { listRedemptionsPage } from "@tessera/db";
import type { ServiceContext } from "../context";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The merchant's redemptions, newest first, from the read model the events consumer keeps. */
export async function listRedemptions(
  ctx: ServiceContext,
  merchantId: string,
  options: { limit: number; cursor?: string | undefined; status?: "completed" | "reversed" | undefined },
) {
  const page = await listRedemptionsPage(ctx.db, merchantId, options);
  return {
    data: page.data.map(({ redemption, skuId, orderId }) => ({
      id: redemption.id,
      codeId: redemption.codeId,
      skuId,
      orderId,
      partnerId: redemption.partnerId,
      staffId: redemption.actor?.startsWith("staff:") ? redemption.actor.slice("staff:".length) : null,
      status: redemption.status,
      location: redemption.location,
      amount:
        redemption.amount === null || redemption.currency === null
          ? null
          : { amount: redemption.amount, currency: redemption.currency },
      createdAt: new Date(redemption.createdAt).toISOString(),
      reversedAt: iso(redemption.reversedAt),
    })),
    nextCursor: page.nextCursor,
  };
}
