import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../workers/edge";
import type { SupplierMessage } from "../../workers/queues/supplier";
import { TEST_BINDINGS } from "../worker-bindings";
import { type ApiResponse, call, eventually, type TestMerchant, unique } from "./factories";

/**
 * Builders for the supply-chain tests: accounts at the sandbox supplier (a real HTTP server
 * started by the worker project's global setup), suppliers registered and vetted through the
 * API, SKUs bound to them, and the relay that hands the sandbox's signed callbacks to the
 * Worker (the sandbox cannot reach the Worker under test, so it holds them for us).
 */

export const SANDBOX_URL = (env as unknown as { SANDBOX_SUPPLIER_URL: string }).SANDBOX_SUPPLIER_URL;

export interface SandboxAccount {
  appId: string;
  signingSecret: string;
  cardKey: string;
}

export interface SandboxSwitches {
  latencyMs?: number;
  failureRate?: number;
  failNextCalls?: number;
  asyncPurchases?: boolean;
  autoFinish?: boolean;
  finishDelayMs?: number;
  topUpOutcome?: "success" | "failed";
  failReason?: string;
  duplicateCallbacks?: number;
  outOfOrderCallbacks?: boolean;
  callbackMode?: "push" | "hold";
  processingCallbacks?: boolean;
}

export interface HeldCallback {
  notifyId: string;
  notifyUrl: string | null;
  body: string;
  merchantOrderNo: string;
  status: "processing" | "success" | "failed";
}

async function sandboxCall<T = any>(method: string, path: string, json?: unknown): Promise<T> {
  const res = await fetch(`${SANDBOX_URL}/__sandbox/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** An account at the sandbox supplier; callbacks are held for `relay` unless told otherwise. */
export async function sandboxAccount(switches: SandboxSwitches = {}): Promise<SandboxAccount> {
  return sandboxCall("POST", "accounts", { switches: { callbackMode: "hold", ...switches } });
}

/** Steers one sandbox account over HTTP: switches, products, orders, callbacks, its statement. */
export function sandbox(account: SandboxAccount) {
  const base = `accounts/${encodeURIComponent(account.appId)}`;
  return {
    switches: (switches: SandboxSwitches) => sandboxCall("PATCH", base, switches),
    product: (productId: string, product: Record<string, unknown>) =>
      sandboxCall("PUT", `${base}/products/${encodeURIComponent(productId)}`, product),
    view: () =>
      sandboxCall<{ calls: Record<string, number>; orders: any[]; products: any[]; balance: any }>("GET", base),
    orders: async () => (await sandboxCall<{ orders: any[] }>("GET", `${base}/orders`)).orders,
    finish: (merchantOrderNo: string, status: "success" | "failed", reason?: string) =>
      sandboxCall("POST", `${base}/orders/${encodeURIComponent(merchantOrderNo)}/finish`, { status, reason }),
    callbacks: async () => (await sandboxCall<{ callbacks: HeldCallback[] }>("GET", `${base}/callbacks`)).callbacks,
    drain: async () => (await sandboxCall<{ callbacks: HeldCallback[] }>("POST", `${base}/callbacks/drain`)).callbacks,
    bill: (changes: { adjust?: unknown[]; extra?: unknown[] }) => sandboxCall("POST", `${base}/bill`, changes),
    calls: async (method: string) =>
      (await sandboxCall<{ calls: Record<string, number> }>("GET", base)).calls[method] ?? 0,
  };
}

/** Posts one held callback to the Worker at the path of its notify URL, bytes unchanged. */
export function postCallback(callback: Pick<HeldCallback, "notifyUrl" | "body">, supplierId?: string) {
  const path = supplierId ? `/v1/webhooks/suppliers/${supplierId}` : new URL(callback.notifyUrl ?? "").pathname;
  return call("POST", path, { body: callback.body, headers: { "content-type": "application/json" } });
}

/** Waits until the sandbox holds `count` callbacks, then hands them all to the Worker in the order given. */
export async function relay(account: SandboxAccount, count = 1): Promise<ApiResponse[]> {
  await eventually(
    () => sandbox(account).callbacks(),
    (callbacks) => callbacks.length >= count,
    10_000,
  );
  const responses: ApiResponse[] = [];
  for (const callback of await sandbox(account).drain()) responses.push(await postCallback(callback));
  return responses;
}

export async function registerSupplier(
  merchant: TestMerchant,
  account: SandboxAccount,
  options: { name?: string; settings?: Record<string, number>; endpoint?: string } = {},
): Promise<string> {
  const res = await call("POST", "/v1/admin/suppliers", {
    token: merchant.adminKey,
    json: {
      name: options.name ?? unique("supplier"),
      adapter: "signed_gateway",
      endpoint: options.endpoint ?? `${SANDBOX_URL}/gateway`,
      credentials: account,
      documents: [{ kind: "business_license", name: "营业执照", reference: "91310000MA1K00000X" }],
      settings: { timeoutMs: 2_000, failureThreshold: 3, cooldownSeconds: 1, ...options.settings },
    },
  });
  if (res.status !== 201) throw new Error(`supplier: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export async function reviewSupplier(supplierId: string, decision: "approved" | "suspended" = "approved") {
  const res = await call("POST", `/v1/operator/suppliers/${supplierId}/review`, {
    token: TEST_BINDINGS.OPERATOR_API_KEY,
    json: { decision, reviewer: "vetting@platform.test", note: "documents checked" },
  });
  if (res.status !== 200) throw new Error(`review: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A sandbox account registered as an approved supplier of the merchant. */
export async function approvedSupplier(
  merchant: TestMerchant,
  options: { switches?: SandboxSwitches; settings?: Record<string, number>; name?: string } = {},
) {
  const account = await sandboxAccount(options.switches);
  const supplierId = await registerSupplier(merchant, account, options);
  await reviewSupplier(supplierId);
  return { account, supplierId, sandbox: sandbox(account) };
}

/** Binds suppliers to a SKU (primary first); returns once the sync the binding starts has read them. */
export async function bindSku(
  merchant: TestMerchant,
  skuId: string,
  suppliers: { supplierId: string; productId: string; cost: number }[],
  extra: { restock?: { threshold: number; quantity: number } | null; markupBps?: number | null } = {},
) {
  const res = await call("PUT", `/v1/admin/skus/${skuId}/suppliers`, {
    token: merchant.adminKey,
    json: {
      suppliers: suppliers.map((entry) => ({ ...entry, cost: { amount: entry.cost, currency: "CNY" } })),
      ...extra,
    },
  });
  if (res.status !== 200) throw new Error(`bind: ${res.status} ${JSON.stringify(res.body)}`);
  // Binding queues a sync of each supplier; wait until it has read them all, so it never lands
  // in the middle of a test that steers the sandbox afterwards.
  const settled = await eventually(
    () => call("GET", `/v1/admin/skus/${skuId}/suppliers`, { token: merchant.adminKey }),
    (view) => view.body.suppliers.every((entry: { syncedAt: string | null }) => entry.syncedAt !== null),
    20_000,
  );
  return settled.body;
}

export async function syncNow(merchant: TestMerchant, supplierId: string) {
  return call("POST", `/v1/admin/suppliers/${supplierId}/sync`, { token: merchant.adminKey });
}

export async function createTopUpProduct(
  merchant: TestMerchant,
  recharge: Record<string, unknown> = { template: "mobile_cn" },
  price = 10_000,
): Promise<{ productId: string; skuId: string }> {
  const res = await call("POST", "/v1/admin/products", {
    token: merchant.adminKey,
    json: {
      name: unique("top-up"),
      kind: "direct_recharge",
      instructions: "The credit arrives within minutes.",
      recharge,
      skus: [{ name: "100 CNY", price: { amount: price, currency: "CNY" } }],
    },
  });
  if (res.status !== 201) throw new Error(`top-up product: ${res.status} ${JSON.stringify(res.body)}`);
  return { productId: res.body.id, skuId: res.body.skus[0].id };
}

/** The shop's view of one SKU: its price and availability as a buyer sees them. */
export async function shopSku(merchant: TestMerchant, skuId: string) {
  const res = await call("GET", `/v1/shops/${merchant.slug}/products?limit=100`);
  for (const product of res.body.data) {
    const sku = product.skus.find((candidate: { id: string }) => candidate.id === skuId);
    if (sku) return sku as { id: string; price: { amount: number }; available: number | null };
  }
  return null;
}

export async function health(merchant: TestMerchant, supplierId: string) {
  const res = await call("GET", `/v1/admin/suppliers/${supplierId}/health`, { token: merchant.adminKey });
  if (res.status !== 200) throw new Error(`health: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Hands supplier-queue messages to the Worker's queue handler, as the runtime would. */
export async function deliverSupplierMessages(messages: SupplierMessage[]) {
  const batch = createMessageBatch(
    "supplier",
    messages.map((body, i) => ({ id: `msg-${Date.now()}-${i}`, body, timestamp: new Date(), attempts: 1 })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

/** Runs the cron handler once, as the scheduler would. */
export async function runCron(at = Date.now()) {
  const controller = createScheduledController({ scheduledTime: at, cron: "* * * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env, ctx);
}

export const today = () => new Date().toISOString().slice(0, 10);
