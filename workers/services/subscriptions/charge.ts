import {
  findOrder,
  findPaymentMethod,
  findSkuOfMerchant,
  findSubscription,
  type OrderDetail,
  type RenewalRow,
  recordStockLevel,
  touchRenewal,
} from "@tessera/db";
import { orders } from "@tessera/db/schema";
import { SIGNATURE_HEADER } from "@tessera/payments";
import { and, eq, inArray } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { linesBySku } from "../bundles";
import { sandboxProvider } from "../payments";
import { releaseOrderStock } from "../refunds";
import { stockKeeper } from "../stock";
import { upstreamCovers } from "../suppliers/checkout";
import { recordFailure, recordRenewed } from "./outcomes";
import { paymentMethodContext } from "./payment-methods";

export type AttemptResult = "renewed" | "retry" | "lapsed" | "unchanged" | "missing";

/**
 * Holds the renewal order's card-secret units for the charge about to be made: no customer is
 * charged for goods that are not there. A line the merchant cannot hold is bought from its
 * suppliers at fulfilment, if they offer enough, as at checkout. False when the order cannot
 * be served; nothing stays held then.
 */
async function holdStock(ctx: ServiceContext, found: OrderDetail): Promise<boolean> {
  const { order } = found;
  const groups = linesBySku(found.items.filter((item) => item.kind === "card_secret"));
  const now = Date.now();
  const ttl = ctx.config.reservationTtlMs;
  const held = await Promise.all(
    groups.map((group) =>
      stockKeeper(ctx, group[0]?.skuId ?? "").reserve(
        { merchantId: order.merchantId, skuId: group[0]?.skuId ?? "" },
        order.id,
        group.reduce((total, item) => total + item.quantity, 0),
        ttl,
        now,
      ),
    ),
  );
  for (const [index, outcome] of held.entries()) {
    const group = groups[index] ?? [];
    const skuId = group[0]?.skuId ?? "";
    if (outcome.ok) {
      await recordStockLevel(ctx.db, order.merchantId, skuId, outcome.levels);
      continue;
    }
    const sku = await findSkuOfMerchant(ctx.db, order.merchantId, skuId);
    const quantity = group.reduce((total, item) => total + item.quantity, 0);
    if (!sku || !upstreamCovers(sku.sku, quantity)) {
      await releaseOrderStock(ctx, order.id);
      return false;
    }
  }
  // The sweep leaves an unpaid order alone while its units are held.
  await ctx.db
    .update(orders)
    .set({ reservationExpiresAt: now + ttl, updatedAt: now })
    .where(and(eq(orders.id, order.id), inArray(orders.status, ["awaiting_payment", "payment_failed", "expired"])));
  return true;
}

/** Posts the provider's signed event to our webhook, as the sandbox does for a checkout. */
async function deliverWebhook(ctx: ServiceContext, event: { body: string; signature: string }): Promise<void> {
  const url = new URL("/v1/webhooks/payments/sandbox", ctx.config.publicBaseUrl ?? "https://tessera.internal");
  const response = await ctx.env.SELF.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", [SIGNATURE_HEADER]: event.signature },
    body: event.body,
  });
  await response.body?.cancel();
  if (response.status !== 200) throw new Error(`the payment webhook answered ${response.status}`);
}

/**
 * One charge attempt of a renewal (`renewal.attempts`), with the method the first order saved,
 * off session. The payment moves through the provider's signed webhook like any other (which
 * fulfils the order when paid); the subscription's side is recorded here from the charge's
 * outcome. Running an attempt again — the cron finding it unfinished — makes the same charge
 * with the same event, which the webhook recognises, and records nothing twice.
 */
export async function chargeAttempt(ctx: ServiceContext, renewal: RenewalRow, now: number): Promise<AttemptResult> {
  const [sub, found] = await Promise.all([
    findSubscription(ctx.db, renewal.merchantId, renewal.subscriptionId),
    findOrder(ctx.db, renewal.merchantId, renewal.orderId),
  ]);
  const payment = found?.payment;
  if (!sub || !found || !payment) return "missing";
  await touchRenewal(ctx.db, renewal.id, Date.now());
  if (payment.status === "succeeded") return (await recordRenewed(ctx, sub, renewal)) ? "renewed" : "unchanged";
  const fail = (failure: string) => recordFailure(ctx, sub, renewal, failure, now);

  const method = sub.paymentMethodId ? await findPaymentMethod(ctx.db, sub.merchantId, sub.paymentMethodId) : null;
  if (!method) return fail("no_payment_method");
  if (!ctx.config.sandboxPayments) return fail("payment_provider_unavailable");
  if (!(await holdStock(ctx, found))) return fail("insufficient_stock");
  const token = await ctx.vault.decrypt(method.tokenCiphertext, paymentMethodContext(sub.merchantId, method.paymentId));
  const charge = await sandboxProvider(ctx).chargeSaved(token, payment, renewal.attempts);
  if (!charge.ok) {
    await releaseOrderStock(ctx, found.order.id);
    return fail(charge.declined);
  }
  await deliverWebhook(ctx, charge.event);
  if (charge.declined) {
    await releaseOrderStock(ctx, found.order.id);
    return fail(charge.declined);
  }
  return (await recordRenewed(ctx, sub, renewal)) ? "renewed" : "unchanged";
}
