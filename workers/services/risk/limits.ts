import { runAtomic } from "@tessera/db";
import { riskLimits } from "@tessera/db/schema";
import { DEFAULT_RISK_LIMITS, type RiskLimits } from "@tessera/domain";
import { eq } from "drizzle-orm";
import type { AdminCaller, ServiceContext } from "../../context";
import { audited } from "../audit";

/**
 * Limits are read on every checkout and every partner look-up, so each isolate keeps them for
 * a few seconds instead of reading D1 each time: a change applies at once in the isolate that
 * made it and within CACHE_MS everywhere else.
 */
const CACHE_MS = 10_000;
const cache = new Map<string, { limits: RiskLimits; until: number }>();

export async function riskLimitsOf(ctx: ServiceContext, merchantId: string): Promise<RiskLimits> {
  const now = Date.now();
  const cached = cache.get(merchantId);
  if (cached && cached.until > now) return cached.limits;
  const row = await ctx.db
    .select({ limits: riskLimits.limits })
    .from(riskLimits)
    .where(eq(riskLimits.merchantId, merchantId))
    .get();
  const limits = (row?.limits as RiskLimits | undefined) ?? DEFAULT_RISK_LIMITS;
  if (cache.size >= 10_000) cache.clear();
  cache.set(merchantId, { limits, until: now + CACHE_MS });
  return limits;
}

export async function getRiskLimits(ctx: ServiceContext, caller: AdminCaller) {
  const row = await ctx.db.select().from(riskLimits).where(eq(riskLimits.merchantId, caller.merchantId)).get();
  return {
    limits: (row?.limits as RiskLimits | undefined) ?? DEFAULT_RISK_LIMITS,
    defaults: DEFAULT_RISK_LIMITS,
    updatedAt: row ? new Date(row.updatedAt).toISOString() : null,
  };
}

/** Replaces the merchant's limits as a whole (a PUT of the full document), audited in the same batch. */
export async function putRiskLimits(ctx: ServiceContext, caller: AdminCaller, limits: RiskLimits) {
  const now = Date.now();
  await runAtomic(ctx.db, [
    ctx.db
      .insert(riskLimits)
      .values({ merchantId: caller.merchantId, limits, updatedAt: now })
      .onConflictDoUpdate({ target: riskLimits.merchantId, set: { limits, updatedAt: now } }),
    audited(ctx, caller, "risk_limits.updated", caller.merchantId, { limits }, now),
  ]);
  cache.delete(caller.merchantId);
  return getRiskLimits(ctx, caller);
}
