import { runAtomic } from "@tessera/db";
import { riskSettings } from "@tessera/db/schema";
import { isTimeZone, type RiskSettings, withDefaults } from "@tessera/domain";
import { eq } from "drizzle-orm";
import { type AdminCaller, actorOf, type ServiceContext } from "../../context";
import { ApiError, type FieldError } from "../../errors";
import { audited } from "../audit";

/** The merchant's stored settings, as one read to run alone or in a batch. */
export function storedSettings(ctx: ServiceContext, merchantId: string) {
  return ctx.db
    .select({ settings: riskSettings.settings })
    .from(riskSettings)
    .where(eq(riskSettings.merchantId, merchantId));
}

/** The merchant's settings over the defaults; one indexed read. */
export async function riskSettingsOf(ctx: ServiceContext, merchantId: string): Promise<RiskSettings> {
  const row = await storedSettings(ctx, merchantId).get();
  return withDefaults(row?.settings);
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function getRiskSettings(ctx: ServiceContext, merchantId: string) {
  const row = await ctx.db.select().from(riskSettings).where(eq(riskSettings.merchantId, merchantId)).get();
  return {
    settings: withDefaults(row?.settings),
    updatedBy: row?.updatedBy ?? null,
    updatedAt: iso(row?.updatedAt ?? null),
  };
}

/** What the shape of the request cannot say: the cut-offs in order, and time zones that exist. */
function settingsErrors(settings: RiskSettings): FieldError[] {
  const errors: FieldError[] = [];
  if (settings.reviewAt > settings.blockAt) {
    errors.push({ path: "reviewAt", message: "must not be above blockAt" });
  }
  for (const [skuId, rule] of Object.entries(settings.redemption.skus)) {
    if (!isTimeZone(rule.timeZone)) {
      errors.push({ path: `redemption.skus.${skuId}.timeZone`, message: "is not an IANA time zone" });
    }
  }
  return errors;
}

/** Replaces the merchant's settings, audited with the previous and new values in one batch. */
export async function putRiskSettings(ctx: ServiceContext, caller: AdminCaller, settings: RiskSettings) {
  const errors = settingsErrors(settings);
  if (errors.length > 0) throw new ApiError("validation_failed", "The risk settings are inconsistent", { errors });
  const before = await getRiskSettings(ctx, caller.merchantId);
  const now = Date.now();
  const row = { merchantId: caller.merchantId, settings, updatedBy: actorOf(caller), updatedAt: now };
  await runAtomic(ctx.db, [
    ctx.db
      .insert(riskSettings)
      .values(row)
      .onConflictDoUpdate({
        target: riskSettings.merchantId,
        set: { settings, updatedBy: row.updatedBy, updatedAt: now },
      }),
    audited(ctx, caller, "risk.settings_updated", caller.merchantId, { before: before.settings, after: settings }, now),
  ]);
  return getRiskSettings(ctx, caller.merchantId);
}
