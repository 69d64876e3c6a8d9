import { wallClock } from "../zoned-time";
import type { RedemptionSettings } from "./settings";

/**
 * Partner-side rules, run after a redemption (never in its path): a code redeemed too far from
 * its previous redemption too soon (impossible travel), a partner redeeming in a burst, and a
 * redemption outside the regions or hours its SKU allows. Each raises an alert for the merchant.
 */

export const ALERT_KINDS = ["impossible_travel", "partner_burst", "outside_region", "outside_hours"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface Point {
  lat: number;
  lon: number;
}

export interface Place extends Point {
  region: string | null;
}

const GEO = /^geo:(-?\d{1,2}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?)(?:[;,].*)?$/i;

/**
 * Where a partner's `location` is: a `geo:lat,lon` URI (RFC 5870) as sent, or a store id the
 * merchant placed in its settings. Null when neither says.
 */
export function placeOf(location: string | null, settings: RedemptionSettings): Place | null {
  if (!location) return null;
  const known = settings.locations[location];
  if (known) return known;
  const match = GEO.exec(location.trim());
  if (!match) return null;
  const lat = Number(match[1]);
  const lon = Number(match[2]);
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon, region: null };
}

const EARTH_KM = 6371;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance (haversine). */
export function distanceKm(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Closer than this, two places are one town: GPS noise and neighbouring stores are not travel. */
const NEARBY_KM = 50;

export interface Travel {
  km: number;
  kmh: number;
}

/** The travel between two redemptions of one code if it is faster than `maxKmh`, else null. */
export function impossibleTravel(
  previous: { at: number; place: Point },
  current: { at: number; place: Point },
  maxKmh: number,
): Travel | null {
  const km = distanceKm(previous.place, current.place);
  if (km < NEARBY_KM) return null;
  // Clocks of two partners may disagree by a little: a minute is the shortest trip counted.
  const hours = Math.max(Math.abs(current.at - previous.at), 60_000) / 3_600_000;
  const kmh = km / hours;
  return kmh > maxKmh ? { km: Math.round(km), kmh: Math.round(kmh) } : null;
}

/** True when `count` redemptions in the window is a burst. */
export function isBurst(count: number, settings: RedemptionSettings): boolean {
  return count > settings.burstLimit;
}

/** The SKU's allowed regions and hours that a redemption at `at` in `region` breaks. */
export function skuRuleBreaches(skuId: string, region: string | null, at: number, settings: RedemptionSettings) {
  const rule = settings.skus[skuId];
  const breaches: { kind: "outside_region" | "outside_hours"; observed: string }[] = [];
  if (!rule) return breaches;
  const allowed = rule.regions.map((code) => code.toUpperCase());
  if (allowed.length > 0 && region !== null && !allowed.includes(region.toUpperCase())) {
    breaches.push({ kind: "outside_region", observed: region.toUpperCase() });
  }
  if (rule.hours) {
    const { hour } = wallClock(at, rule.timeZone);
    if (!withinHours(hour, rule.hours)) breaches.push({ kind: "outside_hours", observed: `${hour}h ${rule.timeZone}` });
  }
  return breaches;
}

/** `from` inclusive, `to` exclusive; `from > to` wraps midnight (22→6 is the night). */
export function withinHours(hour: number, hours: { from: number; to: number }): boolean {
  if (hours.from === hours.to) return true;
  return hours.from < hours.to ? hour >= hours.from && hour < hours.to : hour >= hours.from || hour < hours.to;
}
