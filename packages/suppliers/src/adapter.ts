import type {
  BillLine,
  CatalogItem,
  Money,
  PurchaseRequest,
  StockItem,
  TopUpRequest,
  UpstreamStatus,
} from "./protocol.ts";

/** A card as the adapter hands it over: opened, held only in memory until the caller seals it again. */
export interface UpstreamCard {
  cardNo: string;
  cardSecret: string | null;
}

/** An order as the supplier reports it, from an answer, a poll or a callback. */
export interface UpstreamOrder {
  orderNo: string;
  merchantOrderNo: string;
  productId: string;
  quantity: number;
  status: UpstreamStatus;
  amount: Money;
  cards: UpstreamCard[];
  serialNo: string | null;
  failReason: string | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export type CallbackParse =
  | { ok: true; notifyId: string; order: UpstreamOrder }
  | { ok: false; reason: "malformed" | "stale" | "mismatch" | "wrong_account" };

/**
 * Transport failures (timeouts, refused connections, 5xx, redirects, answers that fail their
 * signature) say nothing about the order and count against the supplier's health; a
 * rejection is the supplier's considered answer (out of stock, no such order) and does not.
 */
export type SupplierFailure =
  | "timeout"
  | "network"
  | "http_status"
  | "redirect"
  | "bad_signature"
  | "malformed"
  | "supplier_error"
  | "endpoint_refused";

export class SupplierTransportError extends Error {
  readonly failure: SupplierFailure;
  constructor(failure: SupplierFailure, detail: string) {
    super(`${failure}: ${detail}`);
    this.name = "SupplierTransportError";
    this.failure = failure;
  }
}

export class SupplierRejection extends Error {
  readonly code: string;
  constructor(code: string, detail: string) {
    super(`${code}: ${detail}`);
    this.name = "SupplierRejection";
    this.code = code;
  }
}

/**
 * What Tessera needs from a supplier, whatever its API looks like. Every order carries our
 * order number, so repeating a call after a timeout can never buy twice.
 */
export interface SupplierAdapter {
  catalog(): Promise<CatalogItem[]>;
  stock(productIds: string[]): Promise<StockItem[]>;
  purchaseCards(request: PurchaseRequest): Promise<UpstreamOrder>;
  topUp(request: TopUpRequest): Promise<UpstreamOrder>;
  /** The order as the supplier sees it now; a `SupplierRejection` `ORDER_NOT_FOUND` if it never arrived. */
  orderStatus(merchantOrderNo: string): Promise<UpstreamOrder>;
  balance(): Promise<Money>;
  /** The supplier's statement of one day (UTC): every order it took, with its status and charge. */
  statement(date: string): Promise<BillLine[]>;
  /** Verifies a callback's signature and window, then parses it; nothing unsigned is read. */
  parseCallback(rawBody: string, nowSeconds: number): Promise<CallbackParse>;
}
