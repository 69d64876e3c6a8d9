import { toPage } from "@tessera/db";
import { redemptionAlerts, redemptions } from "@tessera/db/schema";
import { type AlertKind, impossibleTravel, isBurst, newId, placeOf, skuRuleBreaches } from "@tessera/domain";
import { and, asc, count, desc, eq, gt, gte, lt, lte, ne } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { riskSettingsOf } from "./settings";

export interface RedeemedEvent {
  merchantId: string;
  at: number;
  data: { redemptionId: string; codeId: string; skuId: string; partnerId: string | null; location: string | null };
}

/**
 * The partner-side rules, run by the events consumer on each `code.redeemed` after its
 * redemption row is written: asynchronous, so a redemption never waits on them, and each alert
 * is unique per redemption and kind, so a redelivered event raises nothing twice. A burst raises
 * one alert per partner per window of the clock, not one per redemption in it.
 */
export async function watchRedemption(ctx: ServiceContext, event: RedeemedEvent): Promise<AlertKind[]> {
  const settings = (await riskSettingsOf(ctx, event.merchantId)).redemption;
  if (!settings.enabled) return [];
  const { redemptionId, codeId, skuId, partnerId, location } = event.data;
  type Alert = {
    kind: AlertKind;
    key?: string;
    detail: Record<string, unknown>;
    redemptionId: string;
    partnerId: string | null;
    location: string | null;
  };
  const alerts: Alert[] = [];
  const place = placeOf(location, settings);

  if (place) {
    // Events may arrive out of order: the pair is checked from whichever of its two arrives
    // second, and the alert is always the later redemption's, so it is raised once.
    const neighbour = (later: boolean) =>
      ctx.db
        .select({
          id: redemptions.id,
          at: redemptions.createdAt,
          location: redemptions.location,
          partnerId: redemptions.partnerId,
        })
        .from(redemptions)
        .where(
          and(
            eq(redemptions.codeId, codeId),
            ne(redemptions.id, redemptionId),
            later ? gte(redemptions.createdAt, event.at) : lte(redemptions.createdAt, event.at),
          ),
        )
        .orderBy(later ? asc(redemptions.createdAt) : desc(redemptions.createdAt))
        .get();
    const [previous, next] = await Promise.all([neighbour(false), neighbour(true)]);
    const self = { id: redemptionId, at: event.at, location, partnerId };
    for (const [from, to] of [
      [previous, self],
      [self, next],
    ] as const) {
      const a = from ? placeOf(from.location, settings) : null;
      const b = to ? placeOf(to.location, settings) : null;
      if (!from || !to || !a || !b) continue;
      const travel = impossibleTravel({ at: from.at, place: a }, { at: to.at, place: b }, settings.travelKmh);
      if (!travel) continue;
      alerts.push({
        kind: "impossible_travel",
        redemptionId: to.id,
        partnerId: to.partnerId,
        location: to.location,
        detail: {
          ...travel,
          from: from.location,
          to: to.location,
          previousRedemptionId: from.id,
          minutes: Math.round((to.at - from.at) / 60_000),
        },
      });
    }
  }

  if (partnerId) {
    const since = event.at - settings.burstWindowMinutes * 60_000;
    const recent = await ctx.db
      .select({ n: count() })
      .from(redemptions)
      .where(
        and(
          eq(redemptions.merchantId, event.merchantId),
          eq(redemptions.partnerId, partnerId),
          gt(redemptions.createdAt, since),
          lte(redemptions.createdAt, event.at),
        ),
      )
      .get();
    const n = recent?.n ?? 0;
    if (isBurst(n, settings)) {
      alerts.push({
        kind: "partner_burst",
        // One per partner and window of the clock, whichever of the burst's events see it.
        key: `partner_burst:${partnerId}:${Math.floor(event.at / (settings.burstWindowMinutes * 60_000))}`,
        redemptionId,
        partnerId,
        location,
        detail: { redemptions: n, windowMinutes: settings.burstWindowMinutes, limit: settings.burstLimit },
      });
    }
  }

  for (const breach of skuRuleBreaches(skuId, place?.region ?? null, event.at, settings)) {
    alerts.push({ kind: breach.kind, redemptionId, partnerId, location, detail: { observed: breach.observed, skuId } });
  }
  if (alerts.length === 0) return [];
  await ctx.db
    .insert(redemptionAlerts)
    .values(
      alerts.map((alert) => ({
        id: newId("redemptionAlert", event.at),
        merchantId: event.merchantId,
        kind: alert.kind,
        redemptionId: alert.redemptionId,
        codeId,
        partnerId: alert.partnerId,
        location: alert.location,
        detail: alert.detail,
        key: alert.key ?? `${alert.kind}:${alert.redemptionId}`,
        // The redemption's time, so a burst's window is counted in the partner's clock.
        createdAt: event.at,
      })),
    )
    .onConflictDoNothing();
  ctx.log.warn("redemption alerts", { redemptionId, kinds: alerts.map((alert) => alert.kind) });
  return alerts.map((alert) => alert.kind);
}

export async function listAlerts(
  ctx: ServiceContext,
  merchantId: string,
  options: { kind?: AlertKind | undefined; limit: number; cursor?: string | undefined },
) {
  const filters = [eq(redemptionAlerts.merchantId, merchantId)];
  if (options.kind) filters.push(eq(redemptionAlerts.kind, options.kind));
  if (options.cursor) filters.push(lt(redemptionAlerts.id, options.cursor));
  const rows = await ctx.db
    .select()
    .from(redemptionAlerts)
    .where(and(...filters))
    .orderBy(desc(redemptionAlerts.id))
    .limit(options.limit + 1)
    .all();
  return toPage(
    rows,
    options.limit,
    (row) => row.id,
    (row) => ({
      id: row.id,
      kind: row.kind,
      redemptionId: row.redemptionId,
      codeId: row.codeId,
      partnerId: row.partnerId,
      location: row.location,
      detail: row.detail,
      createdAt: new Date(row.createdAt).toISOString(),
    }),
  );
}
