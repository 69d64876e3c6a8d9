import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SANDBOX_TEST_CARDS } from "@tessera/payments";
import worker from "../../workers/edge";
import { call, d1Rows, eventually, getOrder, type TestMerchant, unique } from "./factories";

/**
 * Builders for the bundle and subscription tests, walking the public API like the factories:
 * a bundle product composed of SKUs, a SKU sold as a subscription, a purchase paid with a test
 * card, and the cron run at a chosen moment.
 */

export const CARDS = SANDBOX_TEST_CARDS;

type Kind = "card_secret" | "voucher" | "bundle";

export async function product(
  merchant: TestMerchant,
  kind: Kind,
  price: number,
  options: { uses?: number; listed?: boolean } = {},
): Promise<{ productId: string; skuId: string }> {
  const res = await call("POST", "/v1/admin/products", {
    token: merchant.adminKey,
    json: {
      name: unique(kind),
      kind,
      instructions: `How to use this ${kind}`,
      ...(options.listed === undefined ? {} : { listed: options.listed }),
      skus: [
        {
          name: "Standard",
          price: { amount: price, currency: "CNY" },
          ...(options.uses ? { policy: { uses: options.uses } } : {}),
        },
      ],
    },
  });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  return { productId: res.body.id, skuId: res.body.skus[0].id };
}

export async function compose(
  merchant: TestMerchant,
  bundleSkuId: string,
  components: { skuId: string; quantity: number }[],
) {
  const res = await call("PUT", `/v1/admin/skus/${bundleSkuId}/components`, {
    token: merchant.adminKey,
    json: { components },
  });
  if (res.status !== 200) throw new Error(`components: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A bundle product at `price` holding these components. */
export async function bundle(merchant: TestMerchant, price: number, components: { skuId: string; quantity: number }[]) {
  const made = await product(merchant, "bundle", price);
  await compose(merchant, made.skuId, components);
  return made;
}

export async function sellAsSubscription(
  merchant: TestMerchant,
  skuId: string,
  renewal: { period: "day" | "week" | "month"; every: number } | null = { period: "month", every: 1 },
) {
  const res = await call("PUT", `/v1/admin/skus/${skuId}/renewal`, { token: merchant.adminKey, json: { renewal } });
  if (res.status !== 200) throw new Error(`renewal: ${res.status} ${JSON.stringify(res.body)}`);
}

export function payWith(
  paymentId: string,
  card: string = CARDS.approves,
  outcome: "succeeded" | "failed" = "succeeded",
) {
  return call("POST", `/v1/sandbox/payments/${paymentId}/complete`, { json: { outcome, card } });
}

/** Buys, pays with `card` and waits for delivery; returns the order page and its token. */
export async function buy(
  merchant: TestMerchant,
  items: { skuId: string; quantity: number; recipient?: Record<string, string> }[],
  options: { card?: string; email?: string; timeZone?: string } = {},
) {
  const placed = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
    json: {
      email: options.email ?? "buyer@example.test",
      items,
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    },
  });
  if (placed.status !== 201) throw new Error(`order: ${placed.status} ${JSON.stringify(placed.body)}`);
  const paid = await payWith(placed.body.payment.id, options.card);
  if (paid.status !== 200) throw new Error(`pay: ${paid.status} ${JSON.stringify(paid.body)}`);
  const token = placed.body.accessToken as string;
  const page = await eventually(
    () => getOrder(merchant, placed.body.id, token),
    (res) => res.body?.status === "fulfilled",
  );
  if (page.body?.status !== "fulfilled") throw new Error(`not delivered: ${JSON.stringify(page.body)}`);
  return { order: page.body, orderId: placed.body.id as string, token, paymentId: placed.body.payment.id as string };
}

/** Runs the Worker's scheduled handler as the cron would at `at`, and waits for what it left running. */
export async function runCron(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

export async function subscriptionOf(merchant: TestMerchant, subscriptionId: string) {
  const res = await call("GET", `/v1/admin/subscriptions/${subscriptionId}`, { token: merchant.adminKey });
  if (res.status !== 200) throw new Error(`subscription: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function noticesOf(subscriptionId: string) {
  return d1Rows<{ kind: string; order_id: string; status: string }>(
    "SELECT kind, order_id, status FROM notifications WHERE subscription_id = ? ORDER BY id",
    subscriptionId,
  );
}

export function ledgerRows(orderId: string) {
  return d1Rows<{ kind: string; amount: number; item_id: string | null }>(
    "SELECT kind, amount, item_id FROM ledger_entries WHERE order_id = ? ORDER BY id",
    orderId,
  );
}

/** A monthly voucher subscription, bought and delivered: its first order, token and subscription. */
export async function subscribed(merchant: TestMerchant, options: { card?: string; email?: string } = {}) {
  const voucher = await product(merchant, "voucher", 3000);
  await sellAsSubscription(merchant, voucher.skuId);
  const bought = await buy(merchant, [{ skuId: voucher.skuId, quantity: 1 }], options);
  return { ...bought, skuId: voucher.skuId, subscription: bought.order.subscriptions[0] };
}
