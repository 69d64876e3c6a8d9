import { z } from "zod";
import { hmacHex, open, randomHex, seal, verifyHmacHex } from "./crypto.ts";

/**
 * The signed-gateway protocol, in the style of the big virtual-goods gateways: one POST
 * endpoint, a `method` name, the business payload as a JSON string (`bizContent`), our order
 * number (`merchantOrderNo`) as the idempotency key of every order, and an HMAC-SHA256
 * signature over a canonical string that includes a timestamp and a nonce. Answers and
 * callbacks are signed the same way by the supplier; card secrets travel AES-256-GCM sealed
 * with a key shared with the merchant account, bound to their order number.
 *
 * Both sides (the signed-gateway adapter in the Worker and the sandbox supplier in Node) use
 * exactly this module, so they cannot drift apart.
 */

export const PROTOCOL_VERSION = "1.0";
export const SIGN_TYPE = "HMAC-SHA256";
/** Requests and callbacks older or newer than this are refused (replay window). */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

export const METHODS = [
  "catalog.list",
  "stock.query",
  "order.purchase",
  "order.topup",
  "order.query",
  "balance.query",
  "bill.query",
] as const;
export type Method = (typeof METHODS)[number];

/** Answer codes. `0000` is success; `SYSTEM_ERROR` is the supplier's own failure (retry later). */
export const RESULT_CODES = {
  OK: "0000",
  SIGN_ERROR: "SIGN_ERROR",
  TIMESTAMP_EXPIRED: "TIMESTAMP_EXPIRED",
  NONCE_REUSED: "NONCE_REUSED",
  UNKNOWN_APP: "UNKNOWN_APP",
  INVALID_PARAMS: "INVALID_PARAMS",
  UNKNOWN_METHOD: "UNKNOWN_METHOD",
  PRODUCT_NOT_FOUND: "PRODUCT_NOT_FOUND",
  OUT_OF_STOCK: "OUT_OF_STOCK",
  INVALID_ACCOUNT: "INVALID_ACCOUNT",
  INSUFFICIENT_BALANCE: "INSUFFICIENT_BALANCE",
  ORDER_NOT_FOUND: "ORDER_NOT_FOUND",
  ORDER_MISMATCH: "ORDER_MISMATCH",
  SYSTEM_ERROR: "SYSTEM_ERROR",
} as const;
export type ResultCode = (typeof RESULT_CODES)[keyof typeof RESULT_CODES];

// ---- the canonical string and signatures ----

type Field = string | number | null | undefined;

/**
 * `k1=v1&k2=v2…` over every field but `sign`, keys sorted by code point, empty values left
 * out. Values are signed as sent (bizContent is the exact JSON string), so nothing is
 * re-serialized between signing and checking.
 */
export function canonicalString(fields: Record<string, Field>): string {
  return Object.keys(fields)
    .filter((key) => key !== "sign" && fields[key] !== undefined && fields[key] !== null && fields[key] !== "")
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join("&");
}

export function signFields(secret: string, fields: Record<string, Field>): Promise<string> {
  return hmacHex(secret, canonicalString(fields));
}

export type SignatureCheck = { ok: true } | { ok: false; reason: "malformed" | "stale" | "mismatch" };

/** Checks the signature and the timestamp window of a signed envelope. */
export async function verifyFields(
  secret: string,
  fields: Record<string, Field>,
  nowSeconds: number,
  toleranceSeconds = TIMESTAMP_TOLERANCE_SECONDS,
): Promise<SignatureCheck> {
  const sign = fields.sign;
  const timestamp = Number(fields.timestamp);
  if (typeof sign !== "string" || !Number.isSafeInteger(timestamp) || typeof fields.nonce !== "string") {
    return { ok: false, reason: "malformed" };
  }
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: "stale" };
  return (await verifyHmacHex(secret, canonicalString(fields), sign))
    ? { ok: true }
    : { ok: false, reason: "mismatch" };
}

export function newNonce(): string {
  return randomHex(16);
}

// ---- envelopes ----

const Nonce = z.string().min(8).max(64);

export const RequestEnvelopeSchema = z.object({
  appId: z.string().min(1).max(64),
  method: z.string().min(1).max(64),
  version: z.string().max(8),
  timestamp: z.number().int(),
  nonce: Nonce,
  signType: z.literal(SIGN_TYPE),
  bizContent: z.string().max(64 * 1024),
  sign: z.string().max(128),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelopeSchema>;

export const ResponseEnvelopeSchema = z.object({
  appId: z.string(),
  code: z.string().max(64),
  message: z.string().max(500),
  data: z
    .string()
    .max(1024 * 1024)
    .nullable(),
  timestamp: z.number().int(),
  nonce: Nonce,
  sign: z.string().max(128),
});
export type ResponseEnvelope = z.infer<typeof ResponseEnvelopeSchema>;

export const CallbackEnvelopeSchema = z.object({
  appId: z.string().min(1).max(64),
  notifyId: z.string().min(1).max(100),
  notifyType: z.literal("order.result"),
  timestamp: z.number().int(),
  nonce: Nonce,
  signType: z.literal(SIGN_TYPE),
  bizContent: z.string().max(256 * 1024),
  sign: z.string().max(128),
});
export type CallbackEnvelope = z.infer<typeof CallbackEnvelopeSchema>;

export async function signRequest(
  credentials: { appId: string; signingSecret: string },
  method: Method,
  payload: unknown,
  nowSeconds: number,
  nonce = newNonce(),
): Promise<RequestEnvelope> {
  const unsigned = {
    appId: credentials.appId,
    method,
    version: PROTOCOL_VERSION,
    timestamp: nowSeconds,
    nonce,
    signType: SIGN_TYPE,
    bizContent: JSON.stringify(payload ?? {}),
  } as const;
  return { ...unsigned, sign: await signFields(credentials.signingSecret, unsigned) };
}

export async function signResponse(
  credentials: { appId: string; signingSecret: string },
  code: string,
  message: string,
  data: unknown,
  nowSeconds: number,
): Promise<ResponseEnvelope> {
  const unsigned = {
    appId: credentials.appId,
    code,
    message,
    data: data === undefined || data === null ? null : JSON.stringify(data),
    timestamp: nowSeconds,
    nonce: newNonce(),
  };
  return { ...unsigned, sign: await signFields(credentials.signingSecret, unsigned) };
}

export async function signCallback(
  credentials: { appId: string; signingSecret: string },
  notifyId: string,
  payload: unknown,
  nowSeconds: number,
): Promise<CallbackEnvelope> {
  const unsigned = {
    appId: credentials.appId,
    notifyId,
    notifyType: "order.result",
    timestamp: nowSeconds,
    nonce: newNonce(),
    signType: SIGN_TYPE,
    bizContent: JSON.stringify(payload),
  } as const;
  return { ...unsigned, sign: await signFields(credentials.signingSecret, unsigned) };
}

// ---- business payloads ----

export const MoneySchema = z.object({
  amount: z.number().int().nonnegative().max(1_000_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/),
});
export type Money = z.infer<typeof MoneySchema>;

const ProductId = z.string().min(1).max(64);
/** Our order number: the idempotency key of every order at the supplier. */
export const MerchantOrderNo = z
  .string()
  .min(6)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const CatalogItemSchema = z.object({
  productId: ProductId,
  name: z.string().max(200),
  type: z.enum(["card", "topup"]),
  faceValue: MoneySchema,
  price: MoneySchema,
  stock: z.number().int().nonnegative(),
});
export type CatalogItem = z.infer<typeof CatalogItemSchema>;

export const CatalogResultSchema = z.object({ products: z.array(CatalogItemSchema).max(10_000) });

export const StockQuerySchema = z.object({ productIds: z.array(ProductId).min(1).max(200) });
export const StockItemSchema = z.object({
  productId: ProductId,
  stock: z.number().int().nonnegative(),
  price: MoneySchema,
  onSale: z.boolean(),
});
export type StockItem = z.infer<typeof StockItemSchema>;
export const StockResultSchema = z.object({ items: z.array(StockItemSchema).max(200) });

export const PurchaseRequestSchema = z.object({
  merchantOrderNo: MerchantOrderNo,
  productId: ProductId,
  quantity: z.number().int().min(1).max(100),
  notifyUrl: z.url().max(500).optional(),
});
export type PurchaseRequest = z.infer<typeof PurchaseRequestSchema>;

export const TopUpRequestSchema = z.object({
  merchantOrderNo: MerchantOrderNo,
  productId: ProductId,
  quantity: z.number().int().min(1).max(100),
  /** The recipient, normalized by the merchant: `{ phone }`, `{ gameId, region }`… */
  account: z.record(z.string().max(32), z.string().max(128)),
  notifyUrl: z.url().max(500).optional(),
});
export type TopUpRequest = z.infer<typeof TopUpRequestSchema>;

export const OrderQuerySchema = z.object({ merchantOrderNo: MerchantOrderNo });

export const ORDER_STATUSES = ["processing", "success", "failed"] as const;
export type UpstreamStatus = (typeof ORDER_STATUSES)[number];

/** A card as it travels: both fields sealed with the account's card key, AAD `appId|merchantOrderNo`. */
export const SealedCardSchema = z.object({ cardNo: z.string().max(2048), cardSecret: z.string().max(2048).nullable() });
export type SealedCard = z.infer<typeof SealedCardSchema>;

export const OrderResultSchema = z.object({
  orderNo: z.string().min(1).max(64),
  merchantOrderNo: MerchantOrderNo,
  productId: ProductId,
  quantity: z.number().int().min(1),
  status: z.enum(ORDER_STATUSES),
  /** What the supplier charged (or will charge) for the whole order. */
  amount: MoneySchema,
  cards: z.array(SealedCardSchema).max(100).optional(),
  /** The carrier's or publisher's receipt number of a top-up. */
  serialNo: z.string().max(128).optional(),
  failReason: z.string().max(200).optional(),
  /** Grows with every change of the order, so a stale report can be told from a newer one. */
  version: z.number().int().nonnegative(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type OrderResult = z.infer<typeof OrderResultSchema>;

export const BalanceResultSchema = z.object({ balance: MoneySchema });

export const BillQuerySchema = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
export const BillLineSchema = z.object({
  orderNo: z.string().max(64),
  merchantOrderNo: z.string().max(64),
  productId: ProductId,
  quantity: z.number().int(),
  status: z.enum(ORDER_STATUSES),
  amount: MoneySchema,
  createdAt: z.number().int(),
});
export type BillLine = z.infer<typeof BillLineSchema>;
export const BillResultSchema = z.object({ date: z.string(), lines: z.array(BillLineSchema).max(100_000) });

// ---- card sealing ----

export function cardAad(appId: string, merchantOrderNo: string): string {
  return `${appId}|${merchantOrderNo}`;
}

export async function sealCard(
  cardKey: string,
  appId: string,
  merchantOrderNo: string,
  card: { cardNo: string; cardSecret: string | null },
): Promise<SealedCard> {
  const aad = cardAad(appId, merchantOrderNo);
  return {
    cardNo: await seal(cardKey, card.cardNo, aad),
    cardSecret: card.cardSecret === null ? null : await seal(cardKey, card.cardSecret, aad),
  };
}

/** Opens a sealed card; fails if it was sealed for another account or another order. */
export async function openCard(
  cardKey: string,
  appId: string,
  merchantOrderNo: string,
  card: SealedCard,
): Promise<{ cardNo: string; cardSecret: string | null }> {
  const aad = cardAad(appId, merchantOrderNo);
  return {
    cardNo: await open(cardKey, card.cardNo, aad),
    cardSecret: card.cardSecret === null ? null : await open(cardKey, card.cardSecret, aad),
  };
}
