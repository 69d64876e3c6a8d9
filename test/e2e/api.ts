// Setting the stage through the public API: each test builds its own merchant, products and
// orders, and only what the test is about happens in the browser.
import { randomUUID } from "node:crypto";
import { inject } from "vitest";

export interface Money {
  amount: number;
  currency: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} answered ${status}: ${JSON.stringify(body)}`);
  }
}

interface CallOptions {
  token?: string;
  json?: unknown;
  csv?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
  if (options.csv !== undefined) {
    headers["content-type"] = "text/csv";
    body = options.csv;
  } else if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  const res = await fetch(`${inject("baseUrl")}${path}`, { method, headers, body });
  const text = await res.text();
  const parsed: unknown = text && (res.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : text;
  if (!res.ok) throw new HttpError(res.status, parsed, `${method} ${path}`);
  return parsed as T;
}

export interface TestMerchant {
  id: string;
  slug: string;
  name: string;
  adminApiKey: string;
  ownerEmail: string;
  ownerPassword: string;
}

export async function createMerchant(options: { locale?: "zh-CN" | "en"; name?: string } = {}): Promise<TestMerchant> {
  const slug = `e2e-${randomUUID().slice(0, 8)}`;
  const ownerEmail = `owner@${slug}.example.com`;
  const ownerPassword = `pw-${randomUUID()}`;
  const name = options.name ?? `E2E 商店 ${slug.slice(4)}`;
  const created = await call<{ id: string; slug: string; name: string; adminApiKey: string }>(
    "POST",
    "/v1/operator/merchants",
    {
      token: inject("operatorApiKey"),
      json: { slug, name, ownerEmail, ownerPassword, ...(options.locale ? { locale: options.locale } : {}) },
    },
  );
  return { ...created, ownerEmail, ownerPassword };
}

export interface Product {
  id: string;
  name: string;
  kind: string;
  skus: { id: string; name: string; price: Money }[];
}

export function createProduct(
  merchant: TestMerchant,
  product: {
    name: string;
    kind: "card_secret" | "voucher" | "stored_value" | "time_card" | "licence";
    instructions?: string;
    skus: {
      name: string;
      price: Money;
      /** `terms`: the product form's (see the API's CodeTerms), e.g. `{ form: "balance", balance: 10000 }`. */
      policy?: { uses?: number; validDays?: number | null; terms?: Record<string, unknown> | null };
    }[];
  },
): Promise<Product> {
  return call<Product>("POST", "/v1/admin/products", { token: merchant.adminApiKey, json: product });
}

export function importStock(merchant: TestMerchant, skuId: string, csv: string) {
  return call<{ imported: number; duplicates: number; rejected: number }>("POST", `/v1/admin/skus/${skuId}/stock`, {
    token: merchant.adminApiKey,
    csv,
    idempotencyKey: randomUUID(),
  });
}

export interface ShopOrder {
  id: string;
  status: string;
  accessToken: string;
  payment: { id: string; checkoutUrl: string };
  deliveries?: { code: string; secret?: string }[];
}

/** A consumer's whole purchase over the API: order, sandbox payment, delivery. */
export async function buyAndPay(merchant: TestMerchant, skuId: string, email = `buyer@${merchant.slug}.example.com`) {
  const order = await call<ShopOrder>("POST", `/v1/shops/${merchant.slug}/orders`, {
    json: { email, items: [{ skuId, quantity: 1 }] },
    idempotencyKey: randomUUID(),
  });
  await call("POST", `/v1/sandbox/payments/${order.payment.id}/complete`, { json: { outcome: "succeeded" } });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = await call<ShopOrder>("GET", `/v1/shops/${merchant.slug}/orders/${order.id}`, {
      token: order.accessToken,
    });
    if (view.status === "fulfilled") return { ...order, ...view, accessToken: order.accessToken };
    if (Date.now() > deadline) throw new Error(`order ${order.id} stayed ${view.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Invites a staff member with `role` and accepts the invitation: email and password to sign in with. */
export async function createStaff(merchant: TestMerchant, role: "owner" | "operator" | "finance" | "support") {
  const email = `${role}-${randomUUID().slice(0, 6)}@${merchant.slug}.example.com`;
  const password = `pw-${randomUUID()}`;
  const invited = await call<{ id: string; inviteToken: string }>("POST", "/v1/admin/staff", {
    token: merchant.adminApiKey,
    json: { email, name: `${role} ${merchant.slug}`, role },
  });
  await call("POST", "/v1/admin/invitations/accept", { json: { token: invited.inviteToken, password } });
  return { id: invited.id, email, password };
}

export const cny = (amount: number): Money => ({ amount, currency: "CNY" });
