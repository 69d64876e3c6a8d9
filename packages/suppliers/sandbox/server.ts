// The sandbox supplier: a real HTTP server that speaks the signed-gateway protocol exactly as
// protocol.ts defines it, for development (`npm start`) and the Worker tests. Never deployed.
// Each merchant account (appId) has its own products, stock, orders, callbacks and switches,
// so tests running in parallel never see each other; a test flips switches over HTTP through
// the admin endpoints under /__sandbox/.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomHex } from "../src/crypto.ts";
import {
  type BillLine,
  BillQuerySchema,
  type Money,
  OrderQuerySchema,
  type OrderResult,
  PurchaseRequestSchema,
  RESULT_CODES,
  RequestEnvelopeSchema,
  type ResultCode,
  StockQuerySchema,
  sealCard,
  signCallback,
  signResponse,
  TIMESTAMP_TOLERANCE_SECONDS,
  TopUpRequestSchema,
  type UpstreamStatus,
  verifyFields,
} from "../src/protocol.ts";

export interface SandboxProduct {
  productId: string;
  name: string;
  type: "card" | "topup";
  faceValue: Money;
  price: Money;
  stock: number;
  onSale: boolean;
  /** How a top-up's account is checked: a mainland mobile number, a game id with a region, or anything. */
  accountRule: "mobile_cn" | "game_account" | "any";
}

export interface Switches {
  /** Delay before every gateway answer; above the caller's timeout it is a timeout. */
  latencyMs: number;
  /** Share (0–1) of gateway calls answered 500 SYSTEM_ERROR before anything happens. */
  failureRate: number;
  /** The next N gateway calls fail like `failureRate` (deterministic, for tests). */
  failNextCalls: number;
  /** Card purchases answer `processing` and finish later (top-ups always do). */
  asyncPurchases: boolean;
  /** Processing orders finish by themselves after `finishDelayMs`; off, they wait for /finish. */
  autoFinish: boolean;
  finishDelayMs: number;
  /** How top-ups end when they finish by themselves. */
  topUpOutcome: "success" | "failed";
  failReason: string;
  /** Extra copies of every callback (same notify id, same body). */
  duplicateCallbacks: number;
  /** Deliver an order's callbacks newest first, after it finished. */
  outOfOrderCallbacks: boolean;
  /** `push` posts callbacks to the order's notifyUrl; `hold` keeps them for GET …/callbacks. */
  callbackMode: "push" | "hold";
  /** Also announce the `processing` state, not only the outcome. */
  processingCallbacks: boolean;
}

interface SandboxOrder {
  orderNo: string;
  merchantOrderNo: string;
  productId: string;
  type: "card" | "topup";
  quantity: number;
  account: Record<string, string> | null;
  status: UpstreamStatus;
  amount: Money;
  cards: { cardNo: string; cardSecret: string | null }[];
  serialNo: string | null;
  failReason: string | null;
  version: number;
  createdAt: number;
  updatedAt: number;
  notifyUrl: string | null;
  /** Callbacks held back until the order finishes (out-of-order mode). */
  heldBack: HeldCallback[];
}

interface HeldCallback {
  notifyId: string;
  notifyUrl: string | null;
  body: string;
  merchantOrderNo: string;
  status: UpstreamStatus;
  createdAt: number;
}

interface PushRecord {
  notifyId: string;
  status: UpstreamStatus;
  answered: number | null;
  attempts: number;
}

interface Account {
  appId: string;
  signingSecret: string;
  cardKey: string;
  switches: Switches;
  products: Map<string, SandboxProduct>;
  orders: Map<string, SandboxOrder>;
  mailbox: HeldCallback[];
  pushes: PushRecord[];
  nonces: Map<string, number>;
  balance: Money;
  calls: Record<string, number>;
  billOverrides: Map<string, { amount?: number; status?: UpstreamStatus }>;
  billExtras: BillLine[];
}

const DEFAULT_SWITCHES: Switches = {
  latencyMs: 0,
  failureRate: 0,
  failNextCalls: 0,
  asyncPurchases: false,
  autoFinish: true,
  finishDelayMs: 20,
  topUpOutcome: "success",
  failReason: "CARRIER_REJECTED",
  duplicateCallbacks: 0,
  outOfOrderCallbacks: false,
  callbackMode: "push",
  processingCallbacks: true,
};

const cny = (amount: number): Money => ({ amount, currency: "CNY" });

export function defaultProducts(): SandboxProduct[] {
  return [
    {
      productId: "VIDEO-MONTH",
      name: "Video membership, 1 month",
      type: "card",
      faceValue: cny(3000),
      price: cny(2200),
      stock: 100,
      onSale: true,
      accountRule: "any",
    },
    {
      productId: "MOBILE-50",
      name: "Mobile top-up 50 CNY",
      type: "topup",
      faceValue: cny(5000),
      price: cny(4900),
      stock: 10_000,
      onSale: true,
      accountRule: "mobile_cn",
    },
    {
      productId: "MOBILE-100",
      name: "Mobile top-up 100 CNY",
      type: "topup",
      faceValue: cny(10_000),
      price: cny(9800),
      stock: 10_000,
      onSale: true,
      accountRule: "mobile_cn",
    },
    {
      productId: "GAME-60",
      name: "Game credits, 60",
      type: "topup",
      faceValue: cny(600),
      price: cny(550),
      stock: 10_000,
      onSale: true,
      accountRule: "game_account",
    },
  ];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref?.());

class HttpProblem extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

class Rejection extends Error {
  readonly code: ResultCode;
  constructor(code: ResultCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface SandboxSupplier {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface SandboxOptions {
  port?: number;
  host?: string;
  log?: (line: string) => void;
}

export async function startSandboxSupplier(options: SandboxOptions = {}): Promise<SandboxSupplier> {
  const accounts = new Map<string, Account>();
  const timers = new Set<NodeJS.Timeout>();
  const log = options.log ?? (() => undefined);

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref?.();
    timers.add(timer);
  };

  // ---- orders and callbacks ----

  const resultOf = async (account: Account, order: SandboxOrder): Promise<OrderResult> => ({
    orderNo: order.orderNo,
    merchantOrderNo: order.merchantOrderNo,
    productId: order.productId,
    quantity: order.quantity,
    status: order.status,
    amount: order.amount,
    ...(order.status === "success" && order.type === "card"
      ? {
          cards: await Promise.all(
            order.cards.map((card) => sealCard(account.cardKey, account.appId, order.merchantOrderNo, card)),
          ),
        }
      : {}),
    ...(order.serialNo ? { serialNo: order.serialNo } : {}),
    ...(order.failReason ? { failReason: order.failReason } : {}),
    version: order.version,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  });

  const push = async (account: Account, callback: HeldCallback, record: PushRecord) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      record.attempts++;
      try {
        const res = await fetch(callback.notifyUrl ?? "", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: callback.body,
          redirect: "manual",
          signal: AbortSignal.timeout(5_000),
        });
        await res.body?.cancel();
        record.answered = res.status;
        if (res.ok) return;
      } catch {
        record.answered = null;
      }
      await sleep(500 * 2 ** attempt);
    }
    log(`callback ${callback.notifyId} for ${account.appId} was never acknowledged`);
  };

  const release = async (account: Account, callbacks: HeldCallback[]) => {
    const copies = 1 + account.switches.duplicateCallbacks;
    for (const callback of callbacks) {
      for (let copy = 0; copy < copies; copy++) {
        if (account.switches.callbackMode === "push" && callback.notifyUrl) {
          const record: PushRecord = {
            notifyId: callback.notifyId,
            status: callback.status,
            answered: null,
            attempts: 0,
          };
          account.pushes.push(record);
          // In order: a later callback is sent after the earlier one was answered.
          await push(account, callback, record);
        } else {
          account.mailbox.push(callback);
        }
      }
    }
  };

  const announce = async (account: Account, order: SandboxOrder) => {
    if (order.status === "processing" && !account.switches.processingCallbacks) return;
    const createdAt = Date.now();
    const notifyId = `ntf_${randomHex(10)}`;
    const envelope = await signCallback(
      account,
      notifyId,
      await resultOf(account, order),
      Math.floor(createdAt / 1000),
    );
    const callback: HeldCallback = {
      notifyId,
      notifyUrl: order.notifyUrl,
      body: JSON.stringify(envelope),
      merchantOrderNo: order.merchantOrderNo,
      status: order.status,
      createdAt,
    };
    if (account.switches.outOfOrderCallbacks) {
      order.heldBack.push(callback);
      if (order.status !== "processing") {
        const reversed = order.heldBack.reverse();
        order.heldBack = [];
        await release(account, reversed);
      }
      return;
    }
    await release(account, [callback]);
  };

  const finish = async (account: Account, order: SandboxOrder, outcome: "success" | "failed", reason?: string) => {
    if (order.status !== "processing") return;
    const product = account.products.get(order.productId);
    order.status = outcome;
    order.version++;
    order.updatedAt = Date.now();
    if (outcome === "success") {
      account.balance = { ...account.balance, amount: account.balance.amount - order.amount.amount };
      if (order.type === "card") order.cards = newCards(order.quantity);
      else order.serialNo = `SN${randomHex(8).toUpperCase()}`;
    } else {
      order.failReason = reason ?? account.switches.failReason;
      if (product) product.stock += order.quantity;
    }
    await announce(account, order);
  };

  const newCards = (quantity: number) =>
    Array.from({ length: quantity }, () => ({
      cardNo: `SBX-${randomHex(6).toUpperCase()}`,
      cardSecret: String(Number.parseInt(randomHex(4), 16)).padStart(10, "0"),
    }));

  const placeOrder = async (
    account: Account,
    type: "card" | "topup",
    request: {
      merchantOrderNo: string;
      productId: string;
      quantity: number;
      notifyUrl?: string | undefined;
      account?: Record<string, string>;
    },
  ): Promise<OrderResult> => {
    const existing = account.orders.get(request.merchantOrderNo);
    if (existing) {
      // Idempotent by the merchant's order number: a repeat reports the order, it never buys again.
      if (existing.productId !== request.productId || existing.quantity !== request.quantity) {
        throw new Rejection(RESULT_CODES.ORDER_MISMATCH, "this merchantOrderNo was used for another order");
      }
      return resultOf(account, existing);
    }
    const product = account.products.get(request.productId);
    if (!product || product.type !== type) throw new Rejection(RESULT_CODES.PRODUCT_NOT_FOUND, "no such product");
    if (!product.onSale || product.stock < request.quantity) {
      throw new Rejection(RESULT_CODES.OUT_OF_STOCK, "not enough stock");
    }
    if (type === "topup" && !accountAccepted(product, request.account ?? {})) {
      throw new Rejection(RESULT_CODES.INVALID_ACCOUNT, "the recipient account was refused");
    }
    const amount = { amount: product.price.amount * request.quantity, currency: product.price.currency };
    if (account.balance.amount < amount.amount) {
      throw new Rejection(RESULT_CODES.INSUFFICIENT_BALANCE, "top up the merchant balance");
    }
    product.stock -= request.quantity;
    const now = Date.now();
    const order: SandboxOrder = {
      orderNo: `SO${now}${randomHex(4).toUpperCase()}`,
      merchantOrderNo: request.merchantOrderNo,
      productId: product.productId,
      type,
      quantity: request.quantity,
      account: request.account ?? null,
      status: "processing",
      amount,
      cards: [],
      serialNo: null,
      failReason: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
      notifyUrl: request.notifyUrl ?? null,
      heldBack: [],
    };
    account.orders.set(order.merchantOrderNo, order);
    if (type === "card" && !account.switches.asyncPurchases) {
      await finish(account, order, "success");
      return resultOf(account, order);
    }
    await announce(account, order);
    if (account.switches.autoFinish) {
      const outcome = type === "topup" ? account.switches.topUpOutcome : "success";
      later(account.switches.finishDelayMs, () => void finish(account, order, outcome));
    }
    return resultOf(account, order);
  };

  // ---- the gateway ----

  const gateway = async (raw: string): Promise<{ status: number; body: unknown }> => {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new HttpProblem(400, "the body is not JSON");
    }
    const envelope = RequestEnvelopeSchema.safeParse(json);
    if (!envelope.success) throw new HttpProblem(400, "not a gateway request");
    const request = envelope.data;
    const account = accounts.get(request.appId);
    if (!account) throw new HttpProblem(400, "unknown appId");
    const answer = async (code: string, message: string, data: unknown, status = 200) => ({
      status,
      body: await signResponse(account, code, message, data, Math.floor(Date.now() / 1000)),
    });

    const nowSeconds = Math.floor(Date.now() / 1000);
    const check = await verifyFields(account.signingSecret, request, nowSeconds);
    if (!check.ok) {
      return answer(
        check.reason === "stale" ? RESULT_CODES.TIMESTAMP_EXPIRED : RESULT_CODES.SIGN_ERROR,
        `signature ${check.reason}`,
        null,
      );
    }
    for (const [nonce, expires] of account.nonces) if (expires < nowSeconds) account.nonces.delete(nonce);
    if (account.nonces.has(request.nonce)) return answer(RESULT_CODES.NONCE_REUSED, "nonce already used", null);
    account.nonces.set(request.nonce, nowSeconds + 2 * TIMESTAMP_TOLERANCE_SECONDS);
    account.calls[request.method] = (account.calls[request.method] ?? 0) + 1;

    const { switches } = account;
    if (switches.latencyMs > 0) await sleep(switches.latencyMs);
    if (switches.failNextCalls > 0 || Math.random() < switches.failureRate) {
      if (switches.failNextCalls > 0) switches.failNextCalls--;
      return answer(RESULT_CODES.SYSTEM_ERROR, "the sandbox failed this call on purpose", null, 500);
    }

    let payload: unknown;
    try {
      payload = JSON.parse(request.bizContent);
    } catch {
      return answer(RESULT_CODES.INVALID_PARAMS, "bizContent is not JSON", null);
    }
    try {
      return answer(RESULT_CODES.OK, "ok", await handle(account, request.method, payload));
    } catch (error) {
      if (error instanceof Rejection) return answer(error.code, error.message, null);
      throw error;
    }
  };

  const handle = async (account: Account, method: string, payload: unknown): Promise<unknown> => {
    const parse = <T>(schema: { safeParse(value: unknown): { success: boolean; data?: T } }): T => {
      const parsed = schema.safeParse(payload);
      if (!parsed.success || parsed.data === undefined) {
        throw new Rejection(RESULT_CODES.INVALID_PARAMS, `invalid bizContent for ${method}`);
      }
      return parsed.data;
    };
    switch (method) {
      case "catalog.list":
        return {
          products: [...account.products.values()].map(({ productId, name, type, faceValue, price, stock }) => ({
            productId,
            name,
            type,
            faceValue,
            price,
            stock,
          })),
        };
      case "stock.query": {
        const { productIds } = parse(StockQuerySchema);
        return {
          items: productIds.flatMap((productId) => {
            const product = account.products.get(productId);
            return product
              ? [{ productId, stock: product.onSale ? product.stock : 0, price: product.price, onSale: product.onSale }]
              : [];
          }),
        };
      }
      case "order.purchase":
        return placeOrder(account, "card", parse(PurchaseRequestSchema));
      case "order.topup":
        return placeOrder(account, "topup", parse(TopUpRequestSchema));
      case "order.query": {
        const order = account.orders.get(parse(OrderQuerySchema).merchantOrderNo);
        if (!order) throw new Rejection(RESULT_CODES.ORDER_NOT_FOUND, "no such order");
        return resultOf(account, order);
      }
      case "balance.query":
        return { balance: account.balance };
      case "bill.query": {
        const { date } = parse(BillQuerySchema);
        return { date, lines: bill(account, date) };
      }
      default:
        throw new Rejection(RESULT_CODES.UNKNOWN_METHOD, `no method ${method}`);
    }
  };

  const bill = (account: Account, date: string): BillLine[] => {
    const lines: BillLine[] = [];
    for (const order of account.orders.values()) {
      if (new Date(order.createdAt).toISOString().slice(0, 10) !== date) continue;
      const override = account.billOverrides.get(order.merchantOrderNo);
      lines.push({
        orderNo: order.orderNo,
        merchantOrderNo: order.merchantOrderNo,
        productId: order.productId,
        quantity: order.quantity,
        status: override?.status ?? order.status,
        amount: { ...order.amount, amount: override?.amount ?? order.amount.amount },
        createdAt: order.createdAt,
      });
    }
    return [...lines, ...account.billExtras.filter((line) => new Date(line.createdAt).toISOString().startsWith(date))];
  };

  // ---- the admin endpoints a test or a developer uses to steer the sandbox ----

  const newAccount = (body: Record<string, unknown>): Account => {
    const appId = typeof body.appId === "string" ? body.appId : `app_${randomHex(8)}`;
    const existing = accounts.get(appId);
    if (existing) return existing;
    const products = Array.isArray(body.products) ? (body.products as SandboxProduct[]) : defaultProducts();
    const account: Account = {
      appId,
      signingSecret: typeof body.signingSecret === "string" ? body.signingSecret : randomHex(32),
      cardKey:
        typeof body.cardKey === "string"
          ? body.cardKey
          : btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
      switches: { ...DEFAULT_SWITCHES, ...switchesFrom(body.switches) },
      products: new Map(products.map((product) => [product.productId, normalizeProduct(product)])),
      orders: new Map(),
      mailbox: [],
      pushes: [],
      nonces: new Map(),
      balance: cny(100_000_000),
      calls: {},
      billOverrides: new Map(),
      billExtras: [],
    };
    accounts.set(appId, account);
    return account;
  };

  const admin = async (method: string, parts: string[], body: Record<string, unknown>) => {
    if (parts.length === 1 && parts[0] === "accounts" && method === "POST") {
      const account = newAccount(body);
      return {
        status: 201,
        body: { appId: account.appId, signingSecret: account.signingSecret, cardKey: account.cardKey },
      };
    }
    const [collection, appId, sub, id, action] = parts;
    const account = collection === "accounts" && appId ? accounts.get(appId) : undefined;
    if (!account) throw new HttpProblem(404, "no such account");
    if (!sub && method === "GET") return { status: 200, body: view(account) };
    if (!sub && method === "PATCH") {
      account.switches = { ...account.switches, ...switchesFrom(body) };
      return { status: 200, body: view(account) };
    }
    if (sub === "products" && id && method === "PUT") {
      const current = account.products.get(id);
      const product = normalizeProduct({
        ...(current ?? defaultProducts()[0]),
        ...body,
        productId: id,
      } as SandboxProduct);
      account.products.set(id, product);
      return { status: 200, body: product };
    }
    if (sub === "orders" && !id && method === "GET") {
      return { status: 200, body: { orders: [...account.orders.values()].map(orderView) } };
    }
    if (sub === "orders" && id && action === "finish" && method === "POST") {
      const order = account.orders.get(id);
      if (!order) throw new HttpProblem(404, "no such order");
      const outcome = body.status === "failed" ? "failed" : "success";
      await finish(account, order, outcome, typeof body.reason === "string" ? body.reason : undefined);
      return { status: 200, body: orderView(order) };
    }
    if (sub === "callbacks" && method === "GET") return { status: 200, body: { callbacks: account.mailbox } };
    if (sub === "callbacks" && id === "drain" && method === "POST") {
      const callbacks = account.mailbox.splice(0, account.mailbox.length);
      return { status: 200, body: { callbacks } };
    }
    if (sub === "pushes" && method === "GET") return { status: 200, body: { pushes: account.pushes } };
    if (sub === "bill" && method === "POST") {
      for (const adjust of (body.adjust as { merchantOrderNo: string; amount?: number; status?: UpstreamStatus }[]) ??
        []) {
        account.billOverrides.set(adjust.merchantOrderNo, {
          ...(adjust.amount === undefined ? {} : { amount: adjust.amount }),
          ...(adjust.status === undefined ? {} : { status: adjust.status }),
        });
      }
      for (const extra of (body.extra as BillLine[]) ?? []) account.billExtras.push(extra);
      return { status: 200, body: { overrides: account.billOverrides.size, extras: account.billExtras.length } };
    }
    throw new HttpProblem(404, "no such sandbox endpoint");
  };

  const server: Server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpProblem ? error.status : 500;
      if (status === 500) log(`sandbox supplier error: ${error instanceof Error ? error.stack : String(error)}`);
      send(res, status, { error: error instanceof Error ? error.message : "error" });
    });
  });

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const raw = await readBody(req);
    if (url.pathname === "/healthz") return send(res, 200, { ok: true });
    // A misbehaving gateway that redirects: callers must refuse to follow it.
    if (url.pathname === "/redirect") {
      res.writeHead(307, { location: "/gateway" });
      res.end();
      return;
    }
    if (url.pathname === "/gateway" && req.method === "POST") {
      const { status, body } = await gateway(raw);
      return send(res, status, body);
    }
    if (url.pathname.startsWith("/__sandbox/")) {
      let body: Record<string, unknown> = {};
      if (raw) {
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          throw new HttpProblem(400, "the body is not JSON");
        }
      }
      const parts = url.pathname.slice("/__sandbox/".length).split("/").filter(Boolean).map(decodeURIComponent);
      const { status, body: answer } = await admin(req.method ?? "GET", parts, body);
      return send(res, status, answer);
    }
    throw new HttpProblem(404, "not found");
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function accountAccepted(product: SandboxProduct, account: Record<string, string>): boolean {
  if (product.accountRule === "mobile_cn") return /^1[3-9]\d{9}$/.test(account.phone ?? "");
  if (product.accountRule === "game_account") return Boolean(account.gameId && account.region);
  return true;
}

function normalizeProduct(product: SandboxProduct): SandboxProduct {
  return {
    productId: product.productId,
    name: product.name ?? product.productId,
    type: product.type === "topup" ? "topup" : "card",
    faceValue: product.faceValue ?? product.price,
    price: product.price,
    stock: Math.max(0, Math.floor(product.stock ?? 0)),
    onSale: product.onSale ?? true,
    accountRule: product.accountRule ?? "any",
  };
}

function switchesFrom(value: unknown): Partial<Switches> {
  if (!value || typeof value !== "object") return {};
  const out: Partial<Switches> = {};
  for (const key of Object.keys(DEFAULT_SWITCHES) as (keyof Switches)[]) {
    const given = (value as Record<string, unknown>)[key];
    if (given !== undefined && typeof given === typeof DEFAULT_SWITCHES[key]) {
      (out as Record<string, unknown>)[key] = given;
    }
  }
  return out;
}

function orderView(order: SandboxOrder) {
  const { heldBack: _heldBack, cards, ...rest } = order;
  return { ...rest, cards: cards.length };
}

function view(account: Account) {
  return {
    appId: account.appId,
    switches: account.switches,
    products: [...account.products.values()],
    orders: [...account.orders.values()].map(orderView),
    balance: account.balance,
    calls: account.calls,
    mailbox: account.mailbox.length,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) {
        reject(new HttpProblem(413, "too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
