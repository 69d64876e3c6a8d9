/**
 * Flash sales (秒杀): a time-boxed price and quota for one SKU, with a per-customer limit. The
 * sale's stock is split over shards so that no single object caps how fast it sells; a buyer is
 * always served by the same shard (their home shard), which is how the per-customer limit
 * stays exact across shards.
 */

export const MAX_SALE_SHARDS = 16;
export const MAX_SALE_QUOTA = 100_000;
export const MAX_SALE_DAYS = 31;

export type SaleStatus = "scheduled" | "open" | "ended" | "cancelled";

export interface SaleWindow {
  startsAt: number;
  endsAt: number;
  cancelledAt: number | null;
}

/** Where a sale stands at `now`: it opens at `startsAt` exactly and is over from `endsAt`. */
export function saleStatus(sale: SaleWindow, now: number): SaleStatus {
  if (sale.cancelledAt !== null) return "cancelled";
  if (now < sale.startsAt) return "scheduled";
  return now < sale.endsAt ? "open" : "ended";
}

/** Whether the sale's price and stock apply at `now` (not cancelled, opened, not yet over). */
export const isOpen = (sale: SaleWindow, now: number) => saleStatus(sale, now) === "open";

const GMAIL = new Set(["gmail.com", "googlemail.com"]);

/**
 * The customer a per-customer limit counts: the buyer's email, normalized so that the ways one
 * mailbox can be spelled count as one — case, full-width characters and surrounding space,
 * a `+tag`, and the dots Gmail ignores.
 */
export function customerOf(email: string): string {
  const folded = email.normalize("NFKC").trim().toLowerCase();
  const at = folded.lastIndexOf("@");
  if (at <= 0) return folded;
  let local = folded.slice(0, at);
  let domain = folded.slice(at + 1);
  local = local.split("+")[0] ?? local;
  if (domain === "googlemail.com") domain = "gmail.com";
  if (GMAIL.has(domain)) local = local.replaceAll(".", "");
  return `${local}@${domain}`;
}

/** 32-bit FNV-1a over the UTF-16 code units: fast, stable, and well spread for short keys. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The shard that serves (and counts) this customer in a sale of `shards` shards. */
export function homeShard(customer: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError("a sale has at least one shard");
  return fnv1a(customer) % shards;
}

/** The quota spread over the shards as evenly as whole units allow (the first ones get the rest). */
export function splitQuota(quota: number, shards: number): number[] {
  const base = Math.floor(quota / shards);
  return Array.from({ length: shards }, (_, i) => base + (i < quota % shards ? 1 : 0));
}

/**
 * How many units a shard lends a sibling that asks for `asked`: what it asked, or half of
 * what the lender holds if that is more (so a busy sibling does not come back for every
 * buyer), never more than the lender has.
 */
export function lendAmount(available: number, asked: number): number {
  return Math.max(0, Math.min(available, Math.max(asked, Math.floor(available / 2))));
}
