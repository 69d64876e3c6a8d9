import type { z } from "zod";
import {
  type CallbackParse,
  type SupplierAdapter,
  SupplierRejection,
  SupplierTransportError,
  type UpstreamOrder,
} from "./adapter.ts";
import { checkEndpoint, type OutboundPolicy } from "./outbound.ts";
import {
  BalanceResultSchema,
  BillResultSchema,
  CallbackEnvelopeSchema,
  CatalogResultSchema,
  type Method,
  type OrderResult,
  OrderResultSchema,
  openCard,
  type PurchaseRequest,
  RESULT_CODES,
  ResponseEnvelopeSchema,
  StockResultSchema,
  signRequest,
  type TopUpRequest,
  verifyFields,
} from "./protocol.ts";

export const SIGNED_GATEWAY = "signed_gateway";

export interface SignedGatewayCredentials {
  /** Our merchant account at the supplier. */
  appId: string;
  /** Signs our requests and checks the supplier's answers and callbacks. */
  signingSecret: string;
  /** AES-256 key (base64) the supplier seals card secrets with. */
  cardKey: string;
}

export interface SignedGatewayOptions {
  endpoint: string;
  credentials: SignedGatewayCredentials;
  timeoutMs: number;
  policy: OutboundPolicy;
  /** The fetch to use (the Worker's global one by default). */
  fetch?: typeof fetch;
  now?: () => number;
}

/** Answers larger than this are a broken or hostile supplier, not a catalog. */
const MAX_ANSWER_BYTES = 2 * 1024 * 1024;

async function readLimited(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new SupplierTransportError("malformed", "answer too large");
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** The adapter for suppliers that speak the signed-gateway protocol (see protocol.ts). */
export class SignedGatewayAdapter implements SupplierAdapter {
  readonly #options: SignedGatewayOptions;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;

  constructor(options: SignedGatewayOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? Date.now;
  }

  async catalog() {
    return (await this.#call("catalog.list", {}, CatalogResultSchema)).products;
  }

  async stock(productIds: string[]) {
    return (await this.#call("stock.query", { productIds }, StockResultSchema)).items;
  }

  async purchaseCards(request: PurchaseRequest) {
    return this.#openOrder(await this.#call("order.purchase", request, OrderResultSchema));
  }

  async topUp(request: TopUpRequest) {
    return this.#openOrder(await this.#call("order.topup", request, OrderResultSchema));
  }

  async orderStatus(merchantOrderNo: string) {
    return this.#openOrder(await this.#call("order.query", { merchantOrderNo }, OrderResultSchema));
  }

  async balance() {
    return (await this.#call("balance.query", {}, BalanceResultSchema)).balance;
  }

  async statement(date: string) {
    return (await this.#call("bill.query", { date }, BillResultSchema)).lines;
  }

  async parseCallback(rawBody: string, nowSeconds: number): Promise<CallbackParse> {
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      return { ok: false, reason: "malformed" };
    }
    const envelope = CallbackEnvelopeSchema.safeParse(json);
    if (!envelope.success) return { ok: false, reason: "malformed" };
    const { credentials } = this.#options;
    // The signature is checked over exactly the fields the envelope carries; only they are used.
    const check = await verifyFields(credentials.signingSecret, envelope.data, nowSeconds);
    if (!check.ok) return { ok: false, reason: check.reason };
    if (envelope.data.appId !== credentials.appId) return { ok: false, reason: "wrong_account" };
    let payload: unknown;
    try {
      payload = JSON.parse(envelope.data.bizContent);
    } catch {
      return { ok: false, reason: "malformed" };
    }
    const order = OrderResultSchema.safeParse(payload);
    if (!order.success) return { ok: false, reason: "malformed" };
    try {
      return { ok: true, notifyId: envelope.data.notifyId, order: await this.#openOrder(order.data) };
    } catch {
      // Cards sealed for another order or account do not open: treat as forged.
      return { ok: false, reason: "mismatch" };
    }
  }

  async #openOrder(result: OrderResult): Promise<UpstreamOrder> {
    const { appId, cardKey } = this.#options.credentials;
    const cards = [];
    for (const card of result.cards ?? []) {
      try {
        cards.push(await openCard(cardKey, appId, result.merchantOrderNo, card));
      } catch {
        throw new SupplierTransportError("bad_signature", "a card did not open with the account's card key");
      }
    }
    return {
      orderNo: result.orderNo,
      merchantOrderNo: result.merchantOrderNo,
      productId: result.productId,
      quantity: result.quantity,
      status: result.status,
      amount: result.amount,
      cards,
      serialNo: result.serialNo ?? null,
      failReason: result.failReason ?? null,
      version: result.version,
      createdAt: result.createdAt,
      updatedAt: result.updatedAt,
    };
  }

  async #call<T extends z.ZodType>(method: Method, payload: unknown, schema: T): Promise<z.infer<T>> {
    const { endpoint, credentials, timeoutMs, policy } = this.#options;
    const target = checkEndpoint(endpoint, policy);
    if (!target.ok) throw new SupplierTransportError("endpoint_refused", target.reason);
    const envelope = await signRequest(credentials, method, payload, Math.floor(this.#now() / 1000));

    let response: Response;
    let text: string;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      response = await this.#fetch(target.url.toString(), {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(envelope),
        // A supplier that redirects is misconfigured or hijacked: never follow it elsewhere.
        redirect: "manual",
        signal,
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        throw new SupplierTransportError("redirect", `answered ${response.status}; redirects are not followed`);
      }
      text = await readLimited(response);
    } catch (error) {
      if (error instanceof SupplierTransportError) throw error;
      if (signal.aborted) throw new SupplierTransportError("timeout", `no answer within ${timeoutMs} ms`);
      throw new SupplierTransportError("network", error instanceof Error ? error.message : String(error));
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SupplierTransportError("http_status", `answered ${response.status} without a protocol envelope`);
    }
    const answer = ResponseEnvelopeSchema.safeParse(json);
    if (!answer.success) {
      throw new SupplierTransportError("http_status", `answered ${response.status} without a protocol envelope`);
    }
    const check = await verifyFields(credentials.signingSecret, answer.data, Math.floor(this.#now() / 1000));
    if (!check.ok || answer.data.appId !== credentials.appId) {
      throw new SupplierTransportError(
        "bad_signature",
        `the answer's signature is ${check.ok ? "for another account" : check.reason}`,
      );
    }
    if (answer.data.code === RESULT_CODES.SYSTEM_ERROR || response.status >= 500) {
      throw new SupplierTransportError("supplier_error", answer.data.message);
    }
    if (answer.data.code !== RESULT_CODES.OK) throw new SupplierRejection(answer.data.code, answer.data.message);
    let data: unknown;
    try {
      data = JSON.parse(answer.data.data ?? "null");
    } catch {
      throw new SupplierTransportError("malformed", "the answer's data is not JSON");
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success)
      throw new SupplierTransportError("malformed", `the answer to ${method} has an unexpected shape`);
    return parsed.data;
  }
}
