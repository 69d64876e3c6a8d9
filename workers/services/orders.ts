import {
  findMerchantBySlug,
  findOrder,
  listOrdersPage,
  type OrderStatus,
  orderStatements,
  runAtomic,
  stockLevelStatement,
} from "@tessera/db";
import { multiply, newId, randomToken, sha256Hex, sum, timingSafeEqual } from "@tessera/domain";
import { SandboxProvider } from "@tessera/payments";
import type { ServiceContext } from "../context";
import { ApiError } from "../errors";
import { skuOfMerchant } from "./catalog";
import { maskedDeliveries, orderView, revealDeliveries } from "./order-views";
import { stockKeeper } from "./stock";

export interface NewOrder {
  email: string;
  items: { skuId: string; quantity: number }[];
}

type Line = NonNullable<Awaited<ReturnType<typeof skuOfMerchant>>> & { quantity: number };

async function shopMerchant(ctx: ServiceContext, slug: string) {
  const merchant = await findMerchantBySlug(ctx.db, slug);
  if (!merchant) throw new ApiError("not_found", "No such shop");
  return merchant;
}

/** Folds repeated SKUs into one line each and loads them, scoped to the shop's merchant. */
async function priceLines(ctx: ServiceContext, merchantId: string, items: NewOrder["items"]): Promise<Line[]> {
  const quantities = new Map<string, number>();
  for (const item of items) quantities.set(item.skuId, (quantities.get(item.skuId) ?? 0) + item.quantity);
  const lines: Line[] = [];
  for (const [skuId, quantity] of quantities) {
    const found = await skuOfMerchant(ctx, merchantId, skuId);
    if (!found?.product.listed) throw new ApiError("not_found", "No such SKU in this shop");
    if (quantity > 100)
      throw new ApiError("validation_failed", "At most 100 of one SKU per order", {
        errors: [{ path: "items", message: "quantity too large" }],
      });
    lines.push({ ...found, quantity });
  }
  const currencies = new Set(lines.map((line) => line.sku.currency));
  if (currencies.size > 1) {
    throw new ApiError("validation_failed", "All items of an order must share one currency", {
      errors: [{ path: "items", message: "mixed currencies" }],
    });
  }
  return lines;
}

/**
 * Creates an order: reserves card-secret units in each SKU's StockKeeper (all or nothing),
 * then writes the order, its items and its payment in one atomic batch. If anything after a
 * reservation fails, the reservations are released, so a failed order holds no stock.
 */
export async function createOrder(ctx: ServiceContext, slug: string, input: NewOrder, origin: string) {
  const merchant = await shopMerchant(ctx, slug);
  const lines = await priceLines(ctx, merchant.id, input.items);
  const now = Date.now();
  const orderId = newId("order", now);
  const paymentId = newId("payment", now);
  const ttl = ctx.config.reservationTtlMs;
  const stocked = lines.filter((line) => line.product.kind === "card_secret");

  const reservations = await Promise.all(
    stocked.map((line) =>
      stockKeeper(ctx, line.sku.id).reserve(
        { merchantId: merchant.id, skuId: line.sku.id },
        orderId,
        line.quantity,
        ttl,
        now,
      ),
    ),
  );
  const releaseAll = () =>
    Promise.all(
      stocked.map((line, i) =>
        reservations[i]?.ok
          ? stockKeeper(ctx, line.sku.id).release({ merchantId: merchant.id, skuId: line.sku.id }, orderId)
          : null,
      ),
    );
  if (reservations.some((r) => !r.ok)) {
    await releaseAll();
    throw new ApiError("insufficient_stock", "Not enough stock for this order; nothing was reserved");
  }

  const total = sum(
    lines.map((line) => multiply({ amount: line.sku.priceAmount, currency: line.sku.currency }, line.quantity)),
  );
  const accessToken = randomToken(32);
  const orderRow = {
    id: orderId,
    merchantId: merchant.id,
    email: input.email.trim().toLowerCase(),
    status: "awaiting_payment" as const,
    totalAmount: total.amount,
    currency: total.currency,
    accessTokenHash: await sha256Hex(accessToken),
    reservationExpiresAt: now + ttl,
    statusReason: null,
    createdAt: now,
    updatedAt: now,
    paidAt: null,
    fulfilledAt: null,
    refundedAt: null,
  };
  const itemRows = lines.map((line) => ({
    id: newId("orderItem", now),
    orderId,
    merchantId: merchant.id,
    skuId: line.sku.id,
    productName: line.product.name,
    skuName: line.sku.name,
    kind: line.product.kind,
    quantity: line.quantity,
    unitAmount: line.sku.priceAmount,
    currency: line.sku.currency,
    policyUses: line.sku.policyUses,
    policyValidDays: line.sku.policyValidDays,
    instructions: line.product.instructions,
  }));
  const paymentRow = {
    id: paymentId,
    merchantId: merchant.id,
    orderId,
    provider: "sandbox",
    status: "pending" as const,
    amount: total.amount,
    currency: total.currency,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await runAtomic(ctx.db, [
      ...orderStatements(ctx.db, merchant.id, { order: orderRow, items: itemRows, payment: paymentRow }),
      ...stocked.map((line, i) =>
        stockLevelStatement(ctx.db, merchant.id, line.sku.id, reservations[i]?.levels ?? { available: 0, version: 0 }),
      ),
    ]);
  } catch (error) {
    await releaseAll();
    throw error;
  }
  const checkoutUrl = new SandboxProvider(ctx.config.sandboxWebhookSecret).checkoutUrl({
    paymentId,
    orderId,
    amount: total,
    returnUrl: `${origin}/s/${slug}`,
  });
  return { ...orderView(orderRow, itemRows, paymentRow, checkoutUrl), accessToken };
}

/** The buyer's order page. The access token is the only credential; a wrong one reads as "no such order". */
export async function getShopOrder(ctx: ServiceContext, slug: string, orderId: string, accessToken: string) {
  const merchant = await shopMerchant(ctx, slug);
  const found = await findOrder(ctx.db, merchant.id, orderId);
  if (!found || !(await timingSafeEqual(await sha256Hex(accessToken), found.order.accessTokenHash))) {
    throw new ApiError("not_found", "No such order");
  }
  const visible = found.order.status === "fulfilled";
  return {
    ...orderView(found.order, found.items, found.payment, null),
    deliveries: visible ? await revealDeliveries(ctx, found.deliveries, found.items) : [],
  };
}

export async function getAdminOrder(ctx: ServiceContext, merchantId: string, orderId: string) {
  const found = await findOrder(ctx.db, merchantId, orderId);
  if (!found) throw new ApiError("not_found", "No such order");
  return {
    ...orderView(found.order, found.items, found.payment, null),
    deliveries: await maskedDeliveries(ctx, found.deliveries),
  };
}

export async function listOrders(
  ctx: ServiceContext,
  merchantId: string,
  options: { limit: number; cursor?: string | undefined; status?: OrderStatus | undefined; email?: string | undefined },
) {
  const page = await listOrdersPage(ctx.db, merchantId, options);
  return {
    data: page.data.map(({ order, items, payment }) => orderView(order, items, payment, null)),
    nextCursor: page.nextCursor,
  };
}
