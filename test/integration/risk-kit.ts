import { env } from "cloudflare:workers";
import { cardDetails, SANDBOX_TEST_CARDS } from "@tessera/payments";
import { TEST_BINDINGS } from "../worker-bindings";
import { type ApiResponse, adminOrder, call, d1Rows, eventually, type TestMerchant, unique } from "./factories";

/** Helpers of the risk suites (test/integration/risk-*): buyers with signals, settings, held orders. */

export { SANDBOX_TEST_CARDS };

export interface Buyer {
  email?: string;
  ip?: string;
  device?: string;
  /** The country Cloudflare would place the IP in (`CF-IPCountry`). */
  country?: string;
}

export function newDevice(): string {
  return `dev_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Places a shop order as a buyer with these request signals. */
export async function order(
  merchant: TestMerchant,
  items: { skuId: string; quantity: number }[],
  buyer: Buyer = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (buyer.ip) headers["cf-connecting-ip"] = buyer.ip;
  if (buyer.device) headers["x-device-id"] = buyer.device;
  if (buyer.country) headers["cf-ipcountry"] = buyer.country;
  const res = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
    json: { email: buyer.email ?? `${unique("buyer").toLowerCase()}@example.test`, items },
    headers,
  });
  if (res.status !== 201) throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/** Pays through the sandbox with a test card; resolves once the webhook answered. */
export async function payWith(paymentId: string, card: string = SANDBOX_TEST_CARDS.approves) {
  const res = await call("POST", `/v1/sandbox/payments/${paymentId}/complete`, {
    json: { outcome: "succeeded", card },
  });
  if (res.status !== 200) throw new Error(`pay: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

export function fingerprintOf(card: string): Promise<string> {
  return cardDetails(TEST_BINDINGS.SANDBOX_WEBHOOK_SECRET, card).then((details) => details.fingerprint);
}

/** Replaces parts of the merchant's risk settings (the rest as they are). */
export async function setRisk(merchant: TestMerchant, change: (settings: any) => void) {
  const current = await call("GET", "/v1/admin/risk/settings", { token: merchant.adminKey });
  if (current.status !== 200) throw new Error(`settings: ${current.status} ${JSON.stringify(current.body)}`);
  const settings = current.body.settings;
  change(settings);
  const res = await call("PUT", "/v1/admin/risk/settings", { token: merchant.adminKey, json: settings });
  if (res.status !== 200) throw new Error(`put settings: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.settings;
}

/** Every rule off, so a test turns on only what it looks at. */
export function onlyRules(settings: any, rules: Record<string, { weight: number; limit: number }>) {
  for (const rule of Object.keys(settings.rules)) settings.rules[rule].enabled = false;
  for (const [rule, setting] of Object.entries(rules)) settings.rules[rule] = { enabled: true, ...setting };
}

export async function statusOf(merchant: TestMerchant, orderId: string): Promise<string> {
  return (await adminOrder(merchant, orderId)).status;
}

/** Waits (up to 15 s: the risk queue batches for a second) for the order to reach `status`. */
export async function until(merchant: TestMerchant, orderId: string, status: string, timeoutMs = 15_000) {
  const seen = await eventually(
    () => adminOrder(merchant, orderId),
    (view) => view.status === status,
    timeoutMs,
  );
  if (seen.status !== status) throw new Error(`order ${orderId} is ${seen.status}, not ${status}`);
  return seen;
}

export async function assessmentsOf(orderId: string) {
  return (
    await d1Rows<{ score: number; decision: string; contributions: string; stage: string }>(
      "SELECT score, decision, contributions, stage FROM risk_assessments WHERE order_id = ?",
      orderId,
    )
  ).map((row) => ({ ...row, contributions: JSON.parse(row.contributions) }));
}

export function decisionsOf(orderId: string) {
  return d1Rows<{ action: string; actor: string; overruled: string | null }>(
    "SELECT action, actor, overruled FROM risk_decisions WHERE order_id = ? ORDER BY id",
    orderId,
  );
}

export function ledgerKinds(orderId: string) {
  return d1Rows<{ kind: string; amount: number }>(
    "SELECT kind, amount FROM ledger_entries WHERE order_id = ? ORDER BY id",
    orderId,
  );
}

/** Counts what is sent to the `risk` queue while `fn` runs (the binding is shared by the isolate). */
export async function watchRiskQueue<T>(fn: () => Promise<T>): Promise<{ result: T; sent: unknown[] }> {
  const queue = env.RISK as unknown as Record<string, unknown>;
  const own = {
    send: Object.getOwnPropertyDescriptor(queue, "send"),
    batch: Object.getOwnPropertyDescriptor(queue, "sendBatch"),
  };
  const sent: unknown[] = [];
  const send = (queue.send as (...args: unknown[]) => Promise<void>).bind(queue);
  const sendBatch = (queue.sendBatch as (...args: unknown[]) => Promise<void>).bind(queue);
  queue.send = (body: unknown, options?: unknown) => {
    sent.push(body);
    return send(body, options);
  };
  queue.sendBatch = (messages: { body: unknown }[], options?: unknown) => {
    sent.push(...messages.map((message) => message.body));
    return sendBatch(messages, options);
  };
  try {
    return { result: await fn(), sent };
  } finally {
    delete queue.send;
    delete queue.sendBatch;
    if (own.send) Object.defineProperty(queue, "send", own.send);
    if (own.batch) Object.defineProperty(queue, "sendBatch", own.batch);
  }
}

/** A merchant whose only rule is an IP-country ≠ card-country mismatch worth 50: such orders are held for review. */
export async function reviewingMerchant(): Promise<TestMerchant> {
  const { createMerchant } = await import("./factories");
  const merchant = await createMerchant();
  await setRisk(merchant, (settings) => {
    onlyRules(settings, { region_mismatch_payment: { weight: 50, limit: 0 } });
    settings.reviewAt = 40;
    settings.blockAt = 80;
  });
  return merchant;
}

/** An order paid from a Chinese IP with a US card, once the risk queue has held it for review. */
export async function heldForReview(merchant: TestMerchant, skuId: string) {
  const placed = await order(merchant, [{ skuId, quantity: 1 }], { country: "CN", ip: "198.51.100.20" });
  await payWith(placed.body.payment.id, SANDBOX_TEST_CARDS.approves);
  const held = await eventually(
    () => adminOrder(merchant, placed.body.id),
    (view) => view.statusReason === "risk_review",
    15_000,
  );
  if (held.statusReason !== "risk_review") throw new Error(`not held: ${JSON.stringify(held)}`);
  return placed.body as { id: string; accessToken: string; payment: { id: string } };
}
