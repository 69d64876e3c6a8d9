import { env, exports } from "cloudflare:workers";
import { decodeRfc4648Base32, normalizeCode, totp } from "@tessera/domain";
import { SIGNATURE_HEADER, signPayload } from "@tessera/payments";
import { loadConfig } from "../../workers/env";
import { codeLedgerOf } from "../../workers/services/code-ledgers";
import { createVault } from "../../workers/services/vault";
import { TEST_BINDINGS } from "../worker-bindings";

/**
 * Builders that walk the public API, so each test makes its own merchant, products and
 * partners and depends on no seed data and no other test.
 */
export const BASE = "https://tessera.test";

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.body;
  if (options.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(options.json);
  }
  const response = await exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

let counter = 0;
export function unique(prefix: string): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

export interface TestMerchant {
  id: string;
  slug: string;
  adminKey: string;
  ownerEmail: string;
  ownerPassword: string;
}

/**
 * Risk limits no test crowd reaches: most suites stand for many buyers with one email and one
 * IP, which the real defaults would rightly stop. The gates still run on every order and look-up.
 */
export const OPEN_RISK_LIMITS = {
  checkout: {
    attemptsPerMinute: { perCustomer: 10_000, perIp: 100_000, perDevice: 10_000 },
    purchaseWindowMinutes: 60,
    purchases: { perCustomer: 100_000, perIp: 1_000_000, perDevice: 100_000 },
    skuPurchases: {},
    unpaidOrders: { perCustomer: 1000, perIp: 100_000, perDevice: 1000 },
    paymentFailures: {
      perCustomer: 1000,
      perIp: 100_000,
      perDevice: 1000,
      perCard: 1000,
      windowMinutes: 1,
      cooldownMinutes: 1,
    },
  },
  lookups: {
    failuresPerPartnerKey: 1_000_000,
    failuresPerIp: 1_000_000,
    windowMinutes: 1,
    lockoutMinutes: 1,
    requestsPerMinutePerPartnerKey: 1_000_000,
  },
};

export async function setRiskLimits(merchant: { adminKey: string }, limits: unknown) {
  const res = await call("PUT", "/v1/admin/risk/limits", { token: merchant.adminKey, json: limits });
  if (res.status !== 200) throw new Error(`risk limits: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Risk scoring no other suite's orders reach: their crowds of large orders paid with the one
 * sandbox card are, rightly, what the default rules hold for review. The fast rules (lists)
 * still run on every payment; the risk suites ask for `riskScoring: "defaults"` or set their own.
 */
export const OPEN_RISK_SETTINGS = { scoreFrom: 1_000_000_000 };

/**
 * A merchant of its own; `riskLimits: "defaults"` keeps the real default checkout and look-up
 * limits, `riskScoring: "defaults"` the real default risk settings, instead of open ones.
 */
export async function createMerchant(
  options: { riskLimits?: "defaults" | "open"; riskScoring?: "defaults" | "open" } = {},
): Promise<TestMerchant> {
  const slug = unique("m").toLowerCase();
  const ownerEmail = `${slug}@example.test`;
  const ownerPassword = "correct horse battery staple";
  const res = await call("POST", "/v1/operator/merchants", {
    token: TEST_BINDINGS.OPERATOR_API_KEY,
    json: { slug, name: `Merchant ${slug}`, ownerEmail, ownerPassword },
  });
  if (res.status !== 201) throw new Error(`merchant: ${res.status} ${JSON.stringify(res.body)}`);
  const merchant = { id: res.body.id, slug, adminKey: res.body.adminApiKey, ownerEmail, ownerPassword };
  // Written straight to D1, not through the audited route, so no test finds an entry it did not cause.
  if (options.riskLimits !== "defaults") {
    await env.DB.prepare("INSERT INTO risk_limits (merchant_id, limits, updated_at) VALUES (?, ?, ?)")
      .bind(merchant.id, JSON.stringify(OPEN_RISK_LIMITS), Date.now())
      .run();
  }
  if (options.riskScoring !== "defaults") {
    await env.DB.prepare(
      "INSERT INTO risk_settings (merchant_id, settings, updated_by, updated_at) VALUES (?, ?, ?, ?)",
    )
      .bind(merchant.id, JSON.stringify(OPEN_RISK_SETTINGS), "test", Date.now())
      .run();
  }
  return merchant;
}

export async function createProduct(
  merchant: TestMerchant,
  kind: "card_secret" | "voucher" | "shared_account",
  policy?: { uses?: number; validDays?: number | null },
  price = 1999,
): Promise<{ productId: string; skuId: string }> {
  const res = await call("POST", "/v1/admin/products", {
    token: merchant.adminKey,
    json: {
      name: unique(kind),
      kind,
      instructions: `How to use ${kind}`,
      skus: [{ name: "Standard", price: { amount: price, currency: "CNY" }, ...(policy ? { policy } : {}) }],
    },
  });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  return { productId: res.body.id, skuId: res.body.skus[0].id };
}

export async function stock(merchant: TestMerchant, skuId: string, count: number, prefix = unique("CARD")) {
  const items = Array.from({ length: count }, (_, i) => ({ code: `${prefix}-${i}`, secret: `S${i}` }));
  const res = await call("POST", `/v1/admin/skus/${skuId}/stock`, { token: merchant.adminKey, json: { items } });
  if (res.status !== 200) throw new Error(`stock: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { imported: number; duplicates: number; rejected: number };
}

/** Stocks shared accounts (loop stock) on a shared-account SKU: each credential with its seats. */
export async function stockAccounts(
  merchant: TestMerchant,
  skuId: string,
  accounts: { code: string; secret?: string; seats: number }[],
) {
  const res = await call("POST", `/v1/admin/skus/${skuId}/stock`, {
    token: merchant.adminKey,
    json: { items: accounts },
  });
  if (res.status !== 200) throw new Error(`accounts: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { imported: number; duplicates: number; rejected: number };
}

/** A flash sale on a SKU, open from now for an hour unless told otherwise. */
export async function createFlashSale(
  merchant: TestMerchant,
  skuId: string,
  terms: {
    quota: number;
    perCustomerLimit?: number;
    shards?: number;
    price?: number;
    startsAt?: number;
    endsAt?: number;
  },
) {
  const startsAt = terms.startsAt ?? Date.now();
  const res = await call("POST", "/v1/admin/flash-sales", {
    token: merchant.adminKey,
    json: {
      skuId,
      price: { amount: terms.price ?? 999, currency: "CNY" },
      quota: terms.quota,
      perCustomerLimit: terms.perCustomerLimit ?? 1,
      ...(terms.shards ? { shards: terms.shards } : {}),
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(terms.endsAt ?? startsAt + 3_600_000).toISOString(),
    },
  });
  if (res.status !== 201) throw new Error(`flash sale: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; shards: number; [key: string]: unknown };
}

export function stockShardOf(saleId: string, shard: number) {
  return env.STOCK_SHARD.get(env.STOCK_SHARD.idFromName(`${saleId}:${shard}`));
}

export async function createPartner(merchant: TestMerchant) {
  const res = await call("POST", "/v1/admin/partners", { token: merchant.adminKey, json: { name: unique("partner") } });
  if (res.status !== 201) throw new Error(`partner: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, apiKey: res.body.apiKey as string };
}

export async function placeOrder(
  merchant: TestMerchant,
  items: { skuId: string; quantity: number }[],
  email = "buyer@example.test",
) {
  return call("POST", `/v1/shops/${merchant.slug}/orders`, { json: { email, items } });
}

export async function pay(paymentId: string, outcome: "succeeded" | "failed" = "succeeded") {
  return call("POST", `/v1/sandbox/payments/${paymentId}/complete`, { json: { outcome } });
}

/** Polls until `check` holds or the time is up; returns the last value either way. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

export async function getOrder(merchant: TestMerchant, orderId: string, accessToken: string) {
  return call("GET", `/v1/shops/${merchant.slug}/orders/${orderId}`, { token: accessToken });
}

/** Buys `quantity` of a SKU, pays, and waits for delivery; returns the order with its codes. */
export async function buyAndDeliver(merchant: TestMerchant, skuId: string, quantity = 1) {
  const order = await placeOrder(merchant, [{ skuId, quantity }]);
  if (order.status !== 201) throw new Error(`order: ${order.status} ${JSON.stringify(order.body)}`);
  const paid = await pay(order.body.payment.id);
  if (paid.status !== 200) throw new Error(`pay: ${paid.status} ${JSON.stringify(paid.body)}`);
  const delivered = await eventually(
    () => getOrder(merchant, order.body.id, order.body.accessToken),
    (res) => res.body?.status === "fulfilled",
  );
  if (delivered.body?.status !== "fulfilled") throw new Error(`not delivered: ${JSON.stringify(delivered.body)}`);
  return { order: delivered.body, accessToken: order.body.accessToken as string };
}

/** Signs a merchant's owner in; returns the raw Set-Cookie, the Cookie header to send back, and the CSRF token. */
export async function signIn(merchant: TestMerchant, password = merchant.ownerPassword) {
  const res = await call("POST", "/v1/admin/sessions", { json: { email: merchant.ownerEmail, password } });
  if (res.status !== 201) throw new Error(`sign-in: ${res.status} ${JSON.stringify(res.body)}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const pair = setCookie.split(";")[0] ?? "";
  return { setCookie, cookie: pair, csrfToken: res.body.csrfToken as string };
}

/** A merchant with a voucher SKU, a partner, and one delivered voucher code. */
export async function deliveredVoucher(
  merchant: TestMerchant,
  policy: { uses?: number; validDays?: number | null } = { uses: 1 },
) {
  const product = await createProduct(merchant, "voucher", policy);
  const bought = await buyAndDeliver(merchant, product.skuId);
  return { ...product, orderId: bought.order.id as string, code: bought.order.deliveries[0].code as string };
}

/** The minted product forms, with the terms each SKU takes (packages/domain/src/code-forms.ts). */
export type FormTerms =
  | { form: "uses"; minIntervalSeconds: number | null }
  | { form: "balance"; balance: number }
  | {
      form: "time";
      durationSeconds: number;
      start: "activation" | "purchase";
      weekdays: number[] | null;
      hours: { from: string; to: string } | null;
      timeZone: string;
    }
  | { form: "seats"; seats: number };

const KIND_OF_FORM = { uses: "voucher", balance: "stored_value", time: "time_card", seats: "licence" } as const;

/** A product of the form's kind with one SKU on those terms, and `quantity` of its codes delivered. */
export async function deliveredForm(
  merchant: TestMerchant,
  terms: FormTerms,
  options: { uses?: number; validDays?: number | null; quantity?: number; price?: number } = {},
) {
  const res = await call("POST", "/v1/admin/products", {
    token: merchant.adminKey,
    json: {
      name: unique(terms.form),
      kind: KIND_OF_FORM[terms.form],
      instructions: `How to use ${terms.form}`,
      skus: [
        {
          name: "Standard",
          price: { amount: options.price ?? 5000, currency: "CNY" },
          policy: { uses: options.uses ?? 1, validDays: options.validDays ?? null, terms },
        },
      ],
    },
  });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  const skuId = res.body.skus[0].id as string;
  const bought = await buyAndDeliver(merchant, skuId, options.quantity ?? 1);
  const codes = (bought.order.deliveries as { code: string }[]).map((delivery) => delivery.code);
  return {
    productId: res.body.id as string,
    skuId,
    orderId: bought.order.id as string,
    accessToken: bought.accessToken,
    code: codes[0] as string,
    codes,
  };
}

// ---- Helpers for the invariant and fault suites (test/integration/invariants-*, faults-*) ----

/** A partner's redemption call, optionally with an Idempotency-Key. */
export function redeem(
  partner: { apiKey: string },
  code: string,
  options: { idempotencyKey?: string; location?: string } = {},
) {
  return call("POST", "/v1/partner/redemptions", {
    token: partner.apiKey,
    json: { code, ...(options.location ? { location: options.location } : {}) },
    headers: options.idempotencyKey ? { "idempotency-key": options.idempotencyKey } : {},
  });
}

export function verify(partner: { apiKey: string }, code: string) {
  return call("POST", "/v1/partner/verifications", { token: partner.apiKey, json: { code } });
}

/** Every item of a paginated admin list (follows `nextCursor` 100 at a time). */
export async function listAll(path: string, token: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const res: ApiResponse = await call("GET", `${path}${separator}limit=100${cursor ? `&cursor=${cursor}` : ""}`, {
      token,
    });
    if (res.status !== 200) throw new Error(`list ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    items.push(...res.body.data);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

/** How many responses had each status (and problem code): `{ "201": 1, "409 code_already_redeemed": 199 }`. */
export function tally(responses: ApiResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const res of responses) {
    const key = res.status >= 400 ? `${res.status} ${res.body?.code}` : String(res.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The lookup key of a code, computed exactly as the redemption service does. */
export async function lookupKeyOf(merchantId: string, code: string): Promise<string> {
  const normalized = normalizeCode(code);
  if (!normalized) throw new Error(`not a voucher code: ${code}`);
  return createVault(loadConfig(env)).lookupKey(merchantId, normalized);
}

/** The stub of the CodeLedger that holds a delivered voucher code, under the configured layout. */
export async function ledgerOf(merchantId: string, code: string) {
  return codeLedgerOf({ env, config: loadConfig(env) }, merchantId, await lookupKeyOf(merchantId, code));
}

/** A delivered voucher code as its CodeLedger holds it (null when it holds no such code). */
export async function ledgerViewOf(merchantId: string, code: string) {
  return (await ledgerOf(merchantId, code)).verify(merchantId, await lookupKeyOf(merchantId, code));
}

export function stockKeeperOf(skuId: string) {
  return env.STOCK_KEEPER.get(env.STOCK_KEEPER.idFromName(skuId));
}

export async function stockOf(merchant: TestMerchant, skuId: string) {
  const res = await call("GET", `/v1/admin/skus/${skuId}/stock`, { token: merchant.adminKey });
  if (res.status !== 200) throw new Error(`stock levels: ${res.status} ${JSON.stringify(res.body)}`);
  return { available: res.body.available, reserved: res.body.reserved, sold: res.body.sold } as {
    available: number | null;
    reserved: number;
    sold: number;
  };
}

export async function adminOrder(merchant: TestMerchant, orderId: string) {
  const res = await call("GET", `/v1/admin/orders/${orderId}`, { token: merchant.adminKey });
  if (res.status !== 200) throw new Error(`admin order: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A sandbox provider event body, as the sandbox signs and posts it. */
export function paymentEventBody(
  type: "payment.succeeded" | "payment.failed",
  payment: { id: string; amount: number; currency?: string },
  eventId = unique("sbx_evt"),
  createdSeconds = Math.floor(Date.now() / 1000),
): string {
  return JSON.stringify({
    id: eventId,
    type,
    created: createdSeconds,
    data: { paymentId: payment.id, amount: payment.amount, currency: payment.currency ?? "CNY" },
  });
}

/** Signs `body` as the sandbox provider does (test secret unless told otherwise). */
export function signWebhook(
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
  secret: string = TEST_BINDINGS.SANDBOX_WEBHOOK_SECRET,
) {
  return signPayload(secret, body, timestamp);
}

/** Posts raw bytes to the sandbox webhook; `signature` null sends no signature header. */
export function postWebhook(body: string, signature: string | null) {
  return call("POST", "/v1/webhooks/payments/sandbox", {
    body,
    headers: { "content-type": "application/json", ...(signature === null ? {} : { [SIGNATURE_HEADER]: signature }) },
  });
}

/** Rows of a D1 query, for checks the API does not expose (ledger rows, raw read-model rows). */
export async function d1Rows<T = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(query)
      .bind(...params)
      .all<T>()
  ).results;
}

// ---- Staff, roles and sessions (the admin app's routes) ----

export type Role = "owner" | "operator" | "finance" | "support";
export const ROLES: Role[] = ["owner", "operator", "finance", "support"];

export interface TestStaff {
  id: string;
  email: string;
  password: string;
  role: Role;
  /** The `Cookie` header of a signed-in session, and the CSRF token its writes carry. */
  cookie: string;
  csrfToken: string;
}

/** Invites a member with the merchant's admin key, accepts the invitation and signs them in. */
export async function createStaff(merchant: TestMerchant, role: Role): Promise<TestStaff> {
  const email = `${unique(role).toLowerCase()}@example.test`;
  const password = `password of ${email}`;
  const invited = await call("POST", "/v1/admin/staff", {
    token: merchant.adminKey,
    json: { email, name: `The ${role}`, role },
  });
  if (invited.status !== 201) throw new Error(`invite: ${invited.status} ${JSON.stringify(invited.body)}`);
  const accepted = await call("POST", "/v1/admin/invitations/accept", {
    json: { token: invited.body.inviteToken, password },
  });
  if (accepted.status !== 201) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const session = await signInWith(email, password);
  return { id: invited.body.id, email, password, role, ...session };
}

/** Signs in by email and password: the Cookie header to send back and the CSRF token. */
export async function signInWith(email: string, password: string, totp?: string) {
  const res = await call("POST", "/v1/admin/sessions", { json: { email, password, ...(totp ? { totp } : {}) } });
  if (res.status !== 201) throw new Error(`sign-in: ${res.status} ${JSON.stringify(res.body)}`);
  return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "", csrfToken: res.body.csrfToken as string };
}

/** One signed-in member of each role. */
export async function createTeam(merchant: TestMerchant): Promise<Record<Role, TestStaff>> {
  const members = await Promise.all(ROLES.map((role) => createStaff(merchant, role)));
  return Object.fromEntries(members.map((member) => [member.role, member])) as Record<Role, TestStaff>;
}

/** The headers of a staff member's session; writes carry the CSRF token too. */
export function asStaff(member: Pick<TestStaff, "cookie" | "csrfToken">): Record<string, string> {
  return { cookie: member.cookie, "x-csrf-token": member.csrfToken };
}

/** Sends the same request as each member of a team, one after another: who gets what. */
export async function byRole(
  team: Record<Role, TestStaff>,
  send: (headers: Record<string, string>, member: TestStaff) => Promise<ApiResponse>,
): Promise<Record<Role, ApiResponse>> {
  const answers = {} as Record<Role, ApiResponse>;
  for (const role of ROLES) answers[role] = await send(asStaff(team[role]), team[role]);
  return answers;
}

/** The merchant's audit log, newest first (read with its admin key). */
export async function auditLog(merchant: TestMerchant): Promise<any[]> {
  return listAll("/v1/admin/audit", merchant.adminKey);
}

/** A card-secret product with stock, bought and delivered: the order and its admin view. */
export async function deliveredCardSecret(merchant: TestMerchant, prefix = unique("CARD")) {
  const product = await createProduct(merchant, "card_secret");
  await stock(merchant, product.skuId, 2, prefix);
  const bought = await buyAndDeliver(merchant, product.skuId);
  return { ...product, orderId: bought.order.id as string, accessToken: bought.accessToken, order: bought.order };
}

/** A TOTP code for `secret` (base32) at `steps` 30-second steps from now, away from a step's edge. */
export async function totpCode(secret: string, steps = 0): Promise<string> {
  // Too near the end of a step, the code could lapse between here and the check: wait it out.
  const intoStep = Date.now() % 30_000;
  if (intoStep > 27_000) await new Promise((resolve) => setTimeout(resolve, 30_100 - intoStep));
  const bytes = decodeRfc4648Base32(secret);
  if (!bytes) throw new Error("not a base32 secret");
  return totp(bytes, Date.now() + steps * 30_000);
}

// ---- A whole tenant, for the suites that walk every route (test/integration/suite-*) ----

/** Everything one merchant owns that a route may name, by the path parameter that names it. */
export interface Tenant {
  merchant: TestMerchant;
  partner: { id: string; apiKey: string };
  /** Another partner of the same merchant. */
  otherPartner: { id: string; apiKey: string };
  /** A reseller channel with a key, a balance, a price list entry, a delivered order and a webhook endpoint. */
  reseller: { id: string; apiKey: string; orderId: string };
  /** Another reseller of the same merchant, with a key and nothing else. */
  otherReseller: { id: string; apiKey: string };
  /** The owner's staff session. */
  session: { cookie: string; csrfToken: string };
  /** Path parameter name → one of this tenant's objects (`orderId` → a delivered order…). */
  ids: Record<string, string>;
  /** Order id → its buyer's access token. */
  orderTokens: Record<string, string>;
  /** A delivered voucher code with uses left, and the buyer's email. */
  code: string;
  email: string;
}

type OpenApiPaths = Record<string, Record<string, { responses?: Record<string, unknown> }>>;

/**
 * Builds a merchant with one of everything through the public API: products and SKUs with
 * stock, a delivered voucher order, an unpaid order, a redemption, a staff invitation, a second
 * partner key, a support ticket and, for any other `{…Id}` in the document whose collection
 * takes a POST, one object created from that route's own sample body (`sampleBody`).
 */
export async function buildTenant(sampleBody: (path: string) => unknown): Promise<Tenant> {
  const merchant = await createMerchant();
  const partner = await createPartner(merchant);
  const otherPartner = await createPartner(merchant);
  const card = await createProduct(merchant, "card_secret");
  await stock(merchant, card.skuId, 5);
  const voucher = await createProduct(merchant, "voucher", { uses: 5 });
  const email = `${merchant.slug}-buyer@example.test`;
  const bought = await placeOrder(merchant, [{ skuId: voucher.skuId, quantity: 1 }], email);
  if (bought.status !== 201) throw new Error(`order: ${bought.status} ${JSON.stringify(bought.body)}`);
  await pay(bought.body.payment.id);
  const delivered = await eventually(
    () => getOrder(merchant, bought.body.id, bought.body.accessToken),
    (res) => res.body?.status === "fulfilled",
  );
  const code = delivered.body.deliveries[0].code as string;
  const pending = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }], email);
  if (pending.status !== 201) throw new Error(`order: ${pending.status} ${JSON.stringify(pending.body)}`);
  const redemption = await redeem(partner, code, { location: "fixture" });
  if (redemption.status !== 201) throw new Error(`redeem: ${redemption.status} ${JSON.stringify(redemption.body)}`);
  const adminView = await adminOrder(merchant, bought.body.id);
  const session = await signIn(merchant);
  const { reseller, otherReseller, channelIds } = await resellerFixture(merchant, card.skuId);

  const ids: Record<string, string> = {
    shop: merchant.slug,
    productId: card.productId,
    skuId: card.skuId,
    orderId: bought.body.id,
    deliveryId: adminView.deliveries[0].id,
    paymentId: pending.body.payment.id,
    partnerId: partner.id,
    redemptionId: redemption.body.id,
    ...channelIds,
    itemId: adminView.items[0].id,
  };
  const orderTokens: Record<string, string> = {
    [bought.body.id]: bought.body.accessToken,
    [pending.body.id]: pending.body.accessToken,
  };
  // A monthly subscription, bought with a saved sandbox card.
  const monthly = await createProduct(merchant, "voucher");
  await call("PUT", `/v1/admin/skus/${monthly.skuId}/renewal`, {
    token: merchant.adminKey,
    json: { renewal: { period: "month", every: 1 } },
  });
  const subscribed = await placeOrder(merchant, [{ skuId: monthly.skuId, quantity: 1 }], email);
  await pay(subscribed.body.payment.id);
  const withSubscription = await eventually(
    () => getOrder(merchant, subscribed.body.id, subscribed.body.accessToken),
    (res) => res.body?.subscriptions?.length === 1,
  );
  ids.subscriptionId = withSubscription.body.subscriptions[0].id;
  orderTokens[subscribed.body.id] = subscribed.body.accessToken;
  const paths = ((await call("GET", "/openapi.json")).body as { paths: OpenApiPaths }).paths;
  const has = (method: string, path: string) => Boolean(paths[path]?.[method]);
  const created = (res: ApiResponse, what: string) => {
    if (res.status !== 201 && res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  if (has("post", "/v1/admin/staff")) {
    ids.staffId = created(
      await call("POST", "/v1/admin/staff", {
        token: merchant.adminKey,
        json: { email: `${unique("staff").toLowerCase()}@example.test`, name: "Fixture staff", role: "support" },
      }),
      "staff",
    );
  }
  if (has("post", "/v1/admin/partners/{partnerId}/keys")) {
    ids.keyId = created(
      await call("POST", `/v1/admin/partners/${otherPartner.id}/keys`, { token: merchant.adminKey }),
      "partner key",
    );
  }
  if (has("post", "/v1/shops/{shop}/orders/{orderId}/tickets")) {
    ids.ticketId = created(
      await call("POST", `/v1/shops/${merchant.slug}/orders/${bought.body.id}/tickets`, {
        token: bought.body.accessToken,
        json: { message: "Where is my code?" },
      }),
      "ticket",
    );
  }
  if (has("post", "/v1/admin/flash-sales")) {
    // On a SKU of its own, opening tomorrow, so no other fixture's orders meet its price or countdown.
    const onSale = await createProduct(merchant, "voucher");
    ids.flashSaleId = (
      await createFlashSale(merchant, onSale.skuId, { quota: 5, startsAt: Date.now() + 86_400_000 })
    ).id;
  }
  if (has("post", "/v1/admin/risk/lists")) {
    // A device no fixture order uses, so the entry changes no other fixture's outcome.
    ids.entryId = created(
      await call("POST", "/v1/admin/risk/lists", {
        token: merchant.adminKey,
        json: { kind: "device", list: "block", value: unique("fixture-device") },
      }),
      "risk list entry",
    );
  }
  // Any other object named in a path: made through its collection's POST, if it has one.
  for (const path of Object.keys(paths)) {
    for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
      if (!name || name in ids) continue;
      const collection = path.slice(0, path.indexOf(`/{${name}}`));
      if (!has("post", collection) || !collection.startsWith("/v1/admin/")) continue;
      const res = await call("POST", collection, { token: merchant.adminKey, json: sampleBody(collection) });
      if (res.status === 201 || res.status === 200) ids[name] = res.body.id;
    }
  }
  return { merchant, partner, otherPartner, reseller, otherReseller, session, ids, orderTokens, code, email };
}

/**
 * A tenant's resellers: one that bought from the card SKU through its price list (its webhook
 * endpoint registered after the order, so no delivery runs while the suites watch), and one
 * with a key only.
 */
async function resellerFixture(merchant: TestMerchant, skuId: string) {
  const made = async (what: string, res: ApiResponse) => {
    if (res.status !== 201 && res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const asAdmin = { token: merchant.adminKey };
  const newReseller = async () => {
    const channel = await made(
      "reseller",
      await call("POST", "/v1/admin/channels", {
        ...asAdmin,
        json: {
          kind: "reseller",
          name: unique("reseller"),
          contactEmail: `${unique("agent").toLowerCase()}@example.test`,
        },
      }),
    );
    const key = await made("channel key", await call("POST", `/v1/admin/channels/${channel.id}/keys`, asAdmin));
    return { id: channel.id as string, apiKey: key.apiKey as string, keyId: key.id as string };
  };
  const reseller = await newReseller();
  const otherReseller = await newReseller();
  await made(
    "top-up",
    await call("POST", `/v1/admin/channels/${reseller.id}/top-ups`, {
      ...asAdmin,
      json: { amount: { amount: 100_000, currency: "CNY" } },
    }),
  );
  await made(
    "prices",
    await call("PATCH", `/v1/admin/channels/${reseller.id}/prices`, {
      ...asAdmin,
      json: { set: [{ skuId, price: { amount: 1234, currency: "CNY" }, quota: 3 }] },
    }),
  );
  const order = await made(
    "reseller order",
    await call("POST", "/v1/channel/orders", { token: reseller.apiKey, json: { items: [{ skuId, quantity: 1 }] } }),
  );
  const webhook = await made(
    "webhook",
    await call("POST", "/v1/channel/webhooks", {
      token: reseller.apiKey,
      json: { url: "https://reseller.example.com/hooks/tessera" },
    }),
  );
  return {
    reseller: { id: reseller.id, apiKey: reseller.apiKey, orderId: order.id as string },
    otherReseller: { id: otherReseller.id, apiKey: otherReseller.apiKey },
    channelIds: { channelId: reseller.id, channelKeyId: reseller.keyId, webhookId: webhook.id as string },
  };
}

/**
 * Every row of every D1 table, hashed per table (`count:sha256`), for "nothing stored changed".
 * Migrations bookkeeping and SQLite's own tables are left out.
 */
export async function storedState(): Promise<Record<string, string>> {
  const tables = await d1Rows<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'd1\\_%' ESCAPE '\\' ORDER BY name",
  );
  const state: Record<string, string> = {};
  for (const { name } of tables) {
    const rows = await d1Rows(`SELECT * FROM "${name}" ORDER BY rowid`);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(rows)));
    const hex = Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
    state[name] = `${rows.length}:${hex}`;
  }
  return state;
}
