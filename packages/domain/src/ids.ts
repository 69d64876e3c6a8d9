import { CROCKFORD, encodeBase32, randomBytes } from "./base32";

export const ID_PREFIXES = {
  merchant: "mer",
  staff: "stf",
  session: "ses",
  apiKey: "key",
  partner: "ptn",
  product: "prd",
  sku: "sku",
  order: "ord",
  orderItem: "itm",
  payment: "pay",
  delivery: "dlv",
  unit: "unt",
  code: "cod",
  redemption: "red",
  event: "evt",
  ledgerEntry: "led",
  audit: "aud",
  notification: "ntf",
  ticket: "tkt",
  accessToken: "oat",
  supplier: "sup",
  supplierOrder: "spo",
  supplierSettlement: "sst",
  channel: "chn",
  balanceEntry: "cbe",
  webhookEndpoint: "whk",
  webhookDelivery: "whd",
  subscription: "sub",
  subscriptionRenewal: "srn",
  subscriptionEvent: "sev",
  paymentMethod: "pmt",
  request: "req",
  flashSale: "fls",
  riskListEntry: "rle",
  riskAssessment: "ras",
  riskDecision: "rdc",
  redemptionAlert: "ral",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

/** 48-bit millisecond time as 10 Crockford symbols, so ids sort by creation time. */
function encodeTime(ms: number): string {
  // Anything else would index past the alphabet and spell "undefined" into the id.
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 2 ** 48) {
    throw new RangeError("id time must be whole milliseconds since 1970");
  }
  let out = "";
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** A prefixed, sortable id: `ord_` + 10 time symbols + 16 random symbols (80 bits). */
export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${encodeTime(now)}${encodeBase32(randomBytes(10))}`;
}

/**
 * `count` ids of one moment, ascending: where rows made together are read back in id order (an
 * order's lines, and so its deliveries), they come back in the order they were made. Sorting
 * keeps every id as unguessable as `newId`'s, which a counter in the random part would not.
 */
export function newIds(kind: IdKind, count: number, now: number = Date.now()): string[] {
  return Array.from({ length: count }, () => newId(kind, now)).sort();
}

const ID_BODY = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** True when `value` has the shape of an id of this kind; anything else can be answered 404 at once. */
export function isId(kind: IdKind, value: string): boolean {
  const prefix = `${ID_PREFIXES[kind]}_`;
  return value.startsWith(prefix) && ID_BODY.test(value.slice(prefix.length));
}
