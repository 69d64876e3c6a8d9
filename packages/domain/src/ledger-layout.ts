/**
 * Which `CodeLedger` object holds a code. `code`: one object per code, named by its whole
 * lookup key. `shard`: the merchant's codes spread over 16² = 256 objects by the first two hex
 * characters of the lookup key (an HMAC, so uniform), each holding many codes in rows keyed
 * by their lookup key.
 *
 * Why two hex characters: a shard must stay warm under a merchant's ordinary traffic (at ten
 * redemptions a second each of 256 shards is touched every ~25 s, well inside an idle object's
 * lifetime, where 4,096 shards would be cold again), while one object's serial throughput
 * (about a thousand calls a second on Cloudflare) times 256 leaves a merchant far more than it
 * needs; a hot code slows only the 1/256 of codes that share its shard.
 */
export const LEDGER_LAYOUTS = ["code", "shard"] as const;
export type LedgerLayout = (typeof LEDGER_LAYOUTS)[number];

export const LEDGER_SHARD_HEX = 2;

/** The Durable Object name of the ledger that holds the code with this lookup key. */
export function ledgerNameFor(merchantId: string, lookupKey: string, layout: LedgerLayout): string {
  // Per code the name stays the bare lookup key, so ledgers armed before layouts existed are found.
  if (layout === "code") return lookupKey;
  return `${merchantId}:${lookupKey.slice(0, LEDGER_SHARD_HEX)}`;
}
