import { decodeBase32, encodeBase32 } from "./base32";
import { newId } from "./ids";

/**
 * A redemption id carries the address of the ledger that holds it (the code's 128-bit lookup
 * key), so a reversal reaches that ledger at once without waiting for a read model:
 * `red_` + 26 sortable symbols + 26 symbols of the lookup key.
 */
const LOOKUP_SYMBOLS = 26;
const LOOKUP_BYTES = 16;

export function newRedemptionId(lookupKeyHex: string, now: number = Date.now()): string {
  const bytes = new Uint8Array(LOOKUP_BYTES);
  for (let i = 0; i < LOOKUP_BYTES; i++) bytes[i] = Number.parseInt(lookupKeyHex.slice(i * 2, i * 2 + 2), 16);
  return `${newId("redemption", now)}${encodeBase32(bytes)}`;
}

/** The lookup key a redemption id points at, or null for anything that is not one of ours. */
export function lookupKeyOfRedemption(id: string): string | null {
  const match = /^red_[0-9A-HJKMNP-TV-Z]{26}([0-9A-HJKMNP-TV-Z]{26})$/.exec(id);
  if (!match?.[1]) return null;
  const bytes = decodeBase32(match[1], LOOKUP_BYTES);
  if (!bytes) return null;
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

export const REDEMPTION_ID_LENGTH = 4 + 26 + LOOKUP_SYMBOLS;
