import { env } from "cloudflare:workers";
import { type ApiResponse, call, type TestMerchant, unique } from "./factories";

/**
 * Builders for channels, walking the public API like the other factories: channels, price
 * lists, reseller keys and balances, reseller orders, and the webhook receiver's view.
 */

export const RECEIVER_URL = (env as unknown as { WEBHOOK_RECEIVER_URL: string }).WEBHOOK_RECEIVER_URL;

export interface TestChannel {
  id: string;
  kind: "shop" | "mini_program" | "app" | "reseller";
  publishableKey: string | null;
}

export interface TestReseller extends TestChannel {
  apiKey: string;
  keyId: string;
}

function expectStatus(res: ApiResponse, status: number, what: string) {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createChannel(
  merchant: TestMerchant,
  kind: "mini_program" | "app" | "reseller",
  extra: { currency?: string } = {},
): Promise<TestChannel> {
  const body = await call("POST", "/v1/admin/channels", {
    token: merchant.adminKey,
    json: {
      kind,
      name: unique(kind),
      ...(kind === "reseller" ? { contactEmail: `${unique("agent").toLowerCase()}@example.test`, ...extra } : {}),
    },
  }).then((res) => expectStatus(res, 201, "channel"));
  return { id: body.id, kind, publishableKey: body.publishableKey };
}

export async function shopChannelOf(merchant: TestMerchant): Promise<TestChannel> {
  const body = await call("GET", "/v1/admin/channels", { token: merchant.adminKey }).then((res) =>
    expectStatus(res, 200, "channels"),
  );
  const shop = body.data.find((channel: TestChannel) => channel.kind === "shop");
  return { id: shop.id, kind: "shop", publishableKey: null };
}

export async function issueChannelKey(merchant: TestMerchant, channelId: string) {
  const body = await call("POST", `/v1/admin/channels/${channelId}/keys`, { token: merchant.adminKey }).then((res) =>
    expectStatus(res, 201, "channel key"),
  );
  return { apiKey: body.apiKey as string, keyId: body.id as string };
}

/** A reseller with a key and, when asked, a balance. */
export async function createReseller(merchant: TestMerchant, balance = 0): Promise<TestReseller> {
  const channel = await createChannel(merchant, "reseller");
  const key = await issueChannelKey(merchant, channel.id);
  if (balance > 0) await topUp(merchant, channel.id, balance);
  return { ...channel, ...key };
}

export async function topUp(merchant: TestMerchant, channelId: string, amount: number, currency = "CNY") {
  return call("POST", `/v1/admin/channels/${channelId}/top-ups`, {
    token: merchant.adminKey,
    json: { amount: { amount, currency } },
  }).then((res) => expectStatus(res, 201, "top-up"));
}

export async function setPrices(
  merchant: TestMerchant,
  channelId: string,
  set: { skuId: string; price?: number | null; quota?: number | null; currency?: string }[],
  remove: string[] = [],
) {
  return call("PATCH", `/v1/admin/channels/${channelId}/prices`, {
    token: merchant.adminKey,
    json: {
      set: set.map((entry) => ({
        skuId: entry.skuId,
        price:
          entry.price === undefined || entry.price === null
            ? null
            : { amount: entry.price, currency: entry.currency ?? "CNY" },
        quota: entry.quota ?? null,
      })),
      remove,
    },
  }).then((res) => expectStatus(res, 200, "prices"));
}

export function resellerOrder(
  reseller: { apiKey: string },
  items: { skuId: string; quantity: number; expectedUnitPrice?: { amount: number; currency: string } }[],
  idempotencyKey?: string,
) {
  return call("POST", "/v1/channel/orders", {
    token: reseller.apiKey,
    json: { items },
    headers: idempotencyKey ? { "idempotency-key": idempotencyKey } : {},
  });
}

export async function balanceOf(reseller: { apiKey: string }): Promise<number> {
  const body = await call("GET", "/v1/channel/balance", { token: reseller.apiKey }).then((res) =>
    expectStatus(res, 200, "balance"),
  );
  return body.balance.amount;
}

/** A shop API call as the merchant's mini-program or app (its publishable key in X-Channel-Key). */
export function asChannel(channel: { publishableKey: string | null }, headers: Record<string, string> = {}) {
  return { ...headers, ...(channel.publishableKey ? { "x-channel-key": channel.publishableKey } : {}) };
}

/** Tells the receiver about an endpoint (its secret, how many first answers fail); returns its URL. */
export async function receiverEndpoint(name: string, secret: string, failFirst = 0): Promise<string> {
  const res = await fetch(`${RECEIVER_URL}/endpoints/${name}`, {
    method: "PUT",
    body: JSON.stringify({ secret, failFirst }),
  });
  if (res.status !== 204) throw new Error(`receiver: ${res.status}`);
  return `${RECEIVER_URL}/hooks/${name}`;
}

export interface Received {
  eventId: string | undefined;
  eventType: string | undefined;
  signature: string | undefined;
  body: string;
  verified: boolean;
  answered: number;
  at: number;
}

export async function receivedBy(name: string): Promise<Received[]> {
  return (await fetch(`${RECEIVER_URL}/endpoints/${name}/received`)).json();
}

/** Registers an endpoint on the receiver for a reseller, with the secret the API shows once. */
export async function registerReceiver(reseller: { apiKey: string }, failFirst = 0) {
  const name = unique("hook");
  // The secret exists only once the endpoint is registered; the receiver learns it before any order is placed.
  const created = await call("POST", "/v1/channel/webhooks", {
    token: reseller.apiKey,
    json: { url: `${RECEIVER_URL}/hooks/${name}` },
  }).then((res) => expectStatus(res, 201, "webhook"));
  await receiverEndpoint(name, created.secret, failFirst);
  return { name, id: created.id as string, secret: created.secret as string };
}
