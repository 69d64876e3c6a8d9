import {
  channelOfOrder,
  claimRenewalStatements,
  findSkuOfMerchant,
  type OrderItemRow,
  orderStatements,
  type SubscriptionRow,
} from "@tessera/db";
import { newId, newIds, randomToken, sha256Hex } from "@tessera/domain";
import type { ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { componentItemRows, expandBundles } from "../bundles";
import { sealRecipient } from "../suppliers/checkout";
import { subscriptionRecipientContext } from "./start";

/**
 * The order that renews period `period` of a subscription, as statements to run together: the
 * renewal row (unique per subscription and period, so a second cron run's batch fails whole),
 * the order with its items (a bundle expanded into its current components), and its pending
 * payment. It is priced as agreed at purchase, even if the SKU's price has changed since, and
 * is built even for a product no longer listed: unlisting stops new sales, not subscriptions.
 * The buyer reaches it with the first order's access token; its own token is never shown.
 */
export async function renewalOrderStatements(ctx: ServiceContext, sub: SubscriptionRow, period: number) {
  const found = await findSkuOfMerchant(ctx.db, sub.merchantId, sub.skuId);
  if (!found) throw new ApiError("conflict", "The subscribed SKU no longer exists");
  const now = Date.now();
  const orderId = newId("order", now);
  const paymentId = newId("payment", now);
  const line = {
    sku: { ...found.sku, priceAmount: sub.unitAmount, currency: sub.currency },
    product: found.product,
    quantity: sub.quantity,
  };
  const recipient = sub.recipientCiphertext
    ? (JSON.parse(
        await ctx.vault.decrypt(sub.recipientCiphertext, subscriptionRecipientContext(sub.merchantId, sub.id)),
      ) as Record<string, string>)
    : undefined;
  const components = await expandBundles(ctx, sub.merchantId, orderId, [line], [{ skuId: sub.skuId, recipient }], {
    checkUpstream: false,
  });
  const sealed =
    found.product.kind === "direct_recharge"
      ? await sealRecipient(ctx, sub.merchantId, orderId, found.product.rechargeTemplate, recipient, "recipient")
      : null;
  const total = sub.unitAmount * sub.quantity;
  const itemIds = newIds("orderItem", 1 + components.length, now);
  const parent: OrderItemRow = {
    id: itemIds[0] as string,
    orderId,
    merchantId: sub.merchantId,
    skuId: sub.skuId,
    productName: found.product.name,
    skuName: found.sku.name,
    kind: found.product.kind,
    quantity: sub.quantity,
    unitAmount: sub.unitAmount,
    currency: sub.currency,
    policyUses: found.sku.policyUses,
    policyValidDays: found.sku.policyValidDays,
    policyTerms: found.sku.policyTerms,
    instructions: found.product.instructions,
    recipientCiphertext: sealed?.recipientCiphertext ?? null,
    recipientMasked: sealed?.recipientMasked ?? null,
    parentItemId: null,
    allocatedAmount: total,
    refundedAt: null,
    renewalPeriod: null,
    renewalEvery: null,
    flashSaleId: null,
    flashSaleShard: null,
  };
  const items = [parent, ...componentItemRows(components, [parent], itemIds.slice(1), orderId, sub.merchantId)];
  // The order first: the renewal row refers to it.
  const statements = [
    ...orderStatements(ctx.db, sub.merchantId, {
      order: {
        id: orderId,
        email: sub.email,
        status: "awaiting_payment",
        totalAmount: total,
        currency: sub.currency,
        accessTokenHash: await sha256Hex(randomToken(32)),
        reservationExpiresAt: now + ctx.config.reservationTtlMs,
        statusReason: null,
        createdAt: now,
        updatedAt: now,
        paidAt: null,
        fulfilledAt: null,
        refundedAt: null,
        timeZone: sub.timeZone,
        // A renewal belongs to the channel the subscription was bought through, like its first order.
        channelId: await channelOfOrder(ctx.db, sub.merchantId, sub.sourceOrderId),
      },
      items,
      payment: {
        id: paymentId,
        provider: "sandbox",
        status: "pending",
        amount: total,
        currency: sub.currency,
        createdAt: now,
        updatedAt: now,
      },
    }),
    ...claimRenewalStatements(ctx.db, sub.merchantId, {
      id: newId("subscriptionRenewal", now),
      subscriptionId: sub.id,
      period,
      orderId,
      status: "charging",
      attempts: 1,
      nextAttemptAt: null,
      lastFailure: null,
      createdAt: now,
      updatedAt: now,
    }),
  ] as const;
  return { orderId, statements };
}
