import { isQuotaRefusal, quotaHoldsOf, reclaimQuotaStatements, releaseQuotaStatements, runAtomic } from "@tessera/db";
import type { ServiceContext } from "../../context";

/**
 * Gives an order's units back to its channel's quota: when it expires unpaid, its payment
 * fails, or it is refunded before delivery. Safe to run any number of times, concurrently too.
 */
export async function releaseChannelQuota(ctx: ServiceContext, orderId: string): Promise<void> {
  const [first, ...rest] = releaseQuotaStatements(ctx.db, await quotaHoldsOf(ctx.db, orderId, "held"), Date.now());
  if (first) await runAtomic(ctx.db, [first, ...rest]);
}

/**
 * Before a paid order is delivered: units it gave back (a payment that came after the order
 * lapsed or failed) are taken again. False when the channel has sold its quota since, so the
 * order cannot be delivered through it.
 */
export async function reclaimChannelQuota(ctx: ServiceContext, orderId: string): Promise<boolean> {
  const [first, ...rest] = reclaimQuotaStatements(ctx.db, await quotaHoldsOf(ctx.db, orderId, "released"), Date.now());
  if (!first) return true;
  try {
    await runAtomic(ctx.db, [first, ...rest]);
    return true;
  } catch (error) {
    if (isQuotaRefusal(error)) return false;
    throw error;
  }
}
