import {
  accessTokenStatement,
  findMerchantBySlug,
  findOrder,
  hasAccessToken,
  listOrdersPage,
  notificationStatement,
  type OrderDetail,
  type OrderItemRow,
  type OrderStatus,
  orderStatements,
  recordAudit,
  renewalOpenedByToken,
  runAtomic,
  stockLevelStatement,
} from "@tessera/db";
import {
  addDays,
  type Money,
  multiply,
  newId,
  newIds,
  randomToken,
  sameMoney,
  sha256Hex,
  startOfDay,
  sum,
  timingSafeEqual,
} from "@tessera/domain";
import { SandboxProvider } from "@tessera/payments";
import type { AdminCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import { auditEntry, audited } from "./audit";
import { componentItemRows, expandBundles, stockDemand } from "./bundles";
import { skuOfMerchant } from "./catalog";
import { channelRefusal, consumerChannel, priceBook, type SalesChannel, settle } from "./channels/sales";
import { reserveSaleLines } from "./flash-sales";
import { deliveryContext, maskedDeliveries, orderView, revealDeliveries } from "./order-views";
import { enforceLimits, hashedKey } from "./rate-limits";
import { admitCheckout } from "./risk/gates";
import { stockKeeper } from "./stock";
import { subscriptionsForOrder } from "./subscriptions/views";
import { prepareSupplyLines, upstreamCovers } from "./suppliers/checkout";

export interface NewOrder {
  email: string;
  items: {
    skuId: string;
    quantity: number;
    recipient?: Record<string, string> | undefined;
    /** The unit price the buyer was shown; a different one now answers 409 `price_changed`. */
    expectedUnitPrice?: Money | undefined;
  }[];
  /** The buyer's IANA time zone: a subscription bought in this order renews on its calendar. */
  timeZone?: string | undefined;
  /** Risk signals of the request: the buyer's IP (`CF-Connecting-IP`) and the shop's device id. */
  clientIp?: string | undefined;
  deviceId?: string | undefined;
  /** The country Cloudflare placed that IP in. */
  clientCountry?: string | undefined;
}

type Line = NonNullable<Awaited<ReturnType<typeof skuOfMerchant>>> & { quantity: number; unitPrice: Money };

export async function shopMerchant(ctx: ServiceContext, slug: string) {
  const merchant = await findMerchantBySlug(ctx.db, slug);
  if (!merchant) throw new ApiError("not_found", "No such shop");
  return merchant;
}

/**
 * Folds repeated SKUs into one line each and loads them, scoped to the shop's merchant, each at
 * the price of the channel the order comes through (the price snapshot its items keep).
 */
async function priceLines(
  ctx: ServiceContext,
  merchantId: string,
  items: NewOrder["items"],
  channel: SalesChannel,
): Promise<{ lines: Line[]; book: Awaited<ReturnType<typeof priceBook>> }> {
  const quantities = new Map<string, number>();
  for (const item of items) quantities.set(item.skuId, (quantities.get(item.skuId) ?? 0) + item.quantity);
  const book = await priceBook(ctx, merchantId, channel, [...quantities.keys()]);
  const lines: Line[] = [];
  for (const [skuId, quantity] of quantities) {
    const found = await skuOfMerchant(ctx, merchantId, skuId);
    const unitPrice = found ? book.priceOf(found) : null;
    if (!found || !unitPrice) throw new ApiError("not_found", "No such SKU in this shop");
    if (quantity > 100)
      throw new ApiError("validation_failed", "At most 100 of one SKU per order", {
        errors: [{ path: "items", message: "quantity too large" }],
      });
    const expected = items.find((item) => item.skuId === skuId && item.expectedUnitPrice)?.expectedUnitPrice;
    if (expected && !sameMoney(expected, unitPrice)) {
      throw new ApiError("price_changed", `${skuId} now costs ${unitPrice.amount} ${unitPrice.currency}`);
    }
    lines.push({ ...found, quantity, unitPrice });
  }
  const currencies = new Set(lines.map((line) => line.unitPrice.currency));
  if (currencies.size > 1) {
    throw new ApiError("validation_failed", "All items of an order must share one currency", {
      errors: [{ path: "items", message: "mixed currencies" }],
    });
  }
  return { lines, book };
}

/**
 * A shop order, or one from the merchant's mini-program or app (named by its publishable key):
 * placed at that channel's prices, awaiting payment at the sandbox checkout.
 */
export async function createOrder(
  ctx: ServiceContext,
  slug: string,
  input: NewOrder,
  origin: string,
  channelKey?: string,
) {
  const merchant = await shopMerchant(ctx, slug);
  const channel = await consumerChannel(ctx, merchant.id, channelKey);
  const now = Date.now();
  const orderId = newId("order", now);
  // The gates decide before any stock is touched; an order they admit but that fails later is
  // forgotten by them again, so a refused or failed checkout holds no slot and counts no units.
  const admission = await admitCheckout(ctx, merchant.id, input, {
    orderId,
    now,
    holdUntil: now + ctx.config.reservationTtlMs,
    lines: input.items,
  });
  let placed: Awaited<ReturnType<typeof placeOrder>>;
  try {
    placed = await placeOrder(ctx, merchant, input, channel, orderId);
  } catch (error) {
    await admission.undo();
    throw error;
  }
  const checkoutUrl = new SandboxProvider(ctx.config.sandboxWebhookSecret).checkoutUrl({
    paymentId: placed.payment.id,
    orderId: placed.order.id,
    amount: { amount: placed.order.totalAmount, currency: placed.order.currency },
    returnUrl: `${origin}/s/${slug}`,
  });
  return { ...orderView(placed.order, placed.items, placed.payment, checkoutUrl), accessToken: placed.accessToken };
}

/**
 * Places an order through a channel: reserves card-secret units in each SKU's StockKeeper (all
 * or nothing), then writes the order, its items, its payment and the channel's quota claims (and
 * a reseller's balance debit) in one atomic batch. If anything after a reservation fails, the
 * reservations are released, so a failed order holds no stock, no quota and no money.
 */
export async function placeOrder(
  ctx: ServiceContext,
  merchant: { id: string },
  input: NewOrder,
  channel: SalesChannel,
  orderId: string = newId("order"),
) {
  const { lines, book } = await priceLines(ctx, merchant.id, input.items, channel);
  const now = Date.now();
  const paymentId = newId("payment", now);
  const ttl = ctx.config.reservationTtlMs;
  // A bundle line is delivered by its components; a top-up among them takes the bundle line's recipient.
  const components = await expandBundles(ctx, merchant.id, orderId, lines, input.items);
  const recipients = await prepareSupplyLines(
    ctx,
    merchant.id,
    orderId,
    lines.filter((line) => line.product.kind !== "bundle"),
    input.items,
  );
  // Lines of a SKU on flash sale are priced and reserved by the sale (all or nothing), first. A
  // flash sale is the shop's: other channels sell at their own prices, from the SKU's stock.
  const onSale = await reserveSaleLines(ctx, merchant.id, channel.id === null ? lines : [], {
    orderId,
    email: input.email,
    ttlMs: ttl,
    now,
  });
  const stocked = stockDemand([...lines.filter((line) => !onSale.sales.has(line.sku.id)), ...components]);

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
    Promise.all([
      onSale.release(),
      ...stocked.map((line, i) =>
        reservations[i]?.ok
          ? stockKeeper(ctx, line.sku.id).release({ merchantId: merchant.id, skuId: line.sku.id }, orderId)
          : null,
      ),
    ]);
  // A card line the merchant cannot reserve is bought from its suppliers at fulfilment, if they offer enough.
  if (
    reservations.some(
      (r, i) => !r.ok && !upstreamCovers(stocked[i]?.sku ?? { upstreamAvailable: 0 }, stocked[i]?.quantity ?? 1),
    )
  ) {
    await releaseAll();
    throw new ApiError("insufficient_stock", "Not enough stock for this order; nothing was reserved");
  }

  const unitAmount = (line: Line) => onSale.unitAmount(line.sku.id, line.unitPrice.amount);
  const total = sum(
    lines.map((line) => multiply({ amount: unitAmount(line), currency: line.unitPrice.currency }, line.quantity)),
  );
  const settlement = settle(ctx.db, merchant.id, channel, { orderId, paymentId, total, now });
  const accessToken = randomToken(32);
  const orderRow = {
    id: orderId,
    merchantId: merchant.id,
    email: input.email.trim().toLowerCase(),
    status: "awaiting_payment" as OrderStatus,
    totalAmount: total.amount,
    currency: total.currency,
    accessTokenHash: await sha256Hex(accessToken),
    reservationExpiresAt: now + ttl,
    statusReason: null,
    createdAt: now,
    updatedAt: now,
    paidAt: null as number | null,
    fulfilledAt: null,
    refundedAt: null,
    timeZone: input.timeZone ?? null,
    channelId: channel.id,
    clientIp: input.clientIp ?? null,
    deviceId: input.deviceId ?? null,
    clientCountry: input.clientCountry ?? null,
    ...settlement.order,
  };
  // Lines, then their bundles' components, in cart order: the order page lists deliveries by item.
  const itemIds = newIds("orderItem", lines.length + components.length, now);
  const itemRows: OrderItemRow[] = lines.map((line, index) => ({
    id: itemIds[index] as string,
    orderId,
    merchantId: merchant.id,
    skuId: line.sku.id,
    productName: line.product.name,
    skuName: line.sku.name,
    kind: line.product.kind,
    quantity: line.quantity,
    unitAmount: unitAmount(line),
    currency: line.unitPrice.currency,
    policyUses: line.sku.policyUses,
    policyValidDays: line.sku.policyValidDays,
    policyTerms: line.sku.policyTerms,
    instructions: line.product.instructions,
    recipientCiphertext: recipients.get(line.sku.id)?.recipientCiphertext ?? null,
    recipientMasked: recipients.get(line.sku.id)?.recipientMasked ?? null,
    parentItemId: null,
    allocatedAmount: unitAmount(line) * line.quantity,
    refundedAt: null,
    renewalPeriod: line.sku.renewalPeriod,
    renewalEvery: line.sku.renewalEvery,
    ...onSale.itemFields(line.sku.id),
  }));
  itemRows.push(...componentItemRows(components, itemRows, itemIds.slice(lines.length), orderId, merchant.id));
  const paymentRow = {
    id: paymentId,
    merchantId: merchant.id,
    orderId,
    provider: "sandbox",
    status: "pending" as "pending" | "succeeded",
    amount: total.amount,
    currency: total.currency,
    createdAt: now,
    updatedAt: now,
    fingerprint: null,
    cardCountry: null,
    ...settlement.payment,
  };
  try {
    await runAtomic(ctx.db, [
      ...orderStatements(ctx.db, merchant.id, { order: orderRow, items: itemRows, payment: paymentRow }),
      ...stocked.map((line, i) =>
        stockLevelStatement(ctx.db, merchant.id, line.sku.id, reservations[i]?.levels ?? { available: 0, version: 0 }),
      ),
      ...book.claims(ctx.db, merchant.id, orderId, lines, now),
      ...settlement.statements,
    ]);
  } catch (error) {
    await releaseAll();
    throw channelRefusal(error) ?? error;
  }
  return { order: orderRow, items: itemRows, payment: paymentRow, accessToken };
}

/**
 * The buyer's order, for its access token: the one made with the order, or one issued by an
 * order lookup. A wrong token reads exactly like a missing order, and so does an order of another
 * channel than the one the request comes through (`channelKey`; none: the shop).
 */
export async function orderForToken(
  ctx: ServiceContext,
  slug: string,
  orderId: string,
  accessToken: string,
  channelKey?: string,
): Promise<OrderDetail> {
  const merchant = await shopMerchant(ctx, slug);
  const channel = await consumerChannel(ctx, merchant.id, channelKey, "read");
  const found = await findOrder(ctx.db, merchant.id, orderId);
  const missing = () => new ApiError("not_found", "No such order");
  if (!found || found.order.channelId !== channel.id) throw missing();
  const tokenHash = await sha256Hex(accessToken);
  if (
    !(await timingSafeEqual(tokenHash, found.order.accessTokenHash)) &&
    !(await hasAccessToken(ctx.db, merchant.id, orderId, tokenHash, Date.now())) &&
    // A subscription's renewal orders open with the token of the order that started it.
    !(await renewalOpenedByToken(ctx.db, merchant.id, orderId, tokenHash, Date.now()))
  ) {
    throw missing();
  }
  return found;
}

/** The buyer's order page, with the codes once delivered. */
export async function getShopOrder(
  ctx: ServiceContext,
  slug: string,
  orderId: string,
  accessToken: string,
  channelKey?: string,
) {
  const found = await orderForToken(ctx, slug, orderId, accessToken, channelKey);
  const visible = found.order.status === "fulfilled" || found.order.status === "partially_refunded";
  return {
    ...orderView(found.order, found.items, found.payment, null),
    deliveries: visible ? await revealDeliveries(ctx, found.deliveries, found.items) : [],
    subscriptions: await subscriptionsForOrder(ctx, found.order.merchantId, orderId),
  };
}

/** Lookups per IP and per email, each in its own RateGate. */
export const LOOKUP_LIMIT = { limit: 10, windowMs: 10 * 60_000 };
/** How long a token issued by a lookup opens its order. */
export const LOOKUP_TOKEN_TTL_MS = 90 * 86_400_000;

/**
 * Finds an order again by email and order number, and issues a fresh access token for it. The
 * token made with the order (the one in the confirmation link) stays valid beside it. Limited
 * per IP and per email, so order numbers cannot be tried in bulk.
 */
export async function lookUpOrder(
  ctx: ServiceContext,
  slug: string,
  input: { email: string; orderId: string },
  clientIp: string,
  channelKey?: string,
) {
  const email = input.email.trim().toLowerCase();
  const noMatch = () => new ApiError("not_found", "No order matches this email and order number");
  // Shops are public, so an unknown one tells nothing and costs no lookup; guesses at orders do.
  const merchant = await findMerchantBySlug(ctx.db, slug);
  if (!merchant) throw noMatch();
  const channel = await consumerChannel(ctx, merchant.id, channelKey, "read");
  await enforceLimits(ctx, [
    { key: await hashedKey("order-lookup:ip", clientIp), ...LOOKUP_LIMIT },
    { key: await hashedKey("order-lookup:email", email), ...LOOKUP_LIMIT },
  ]);
  const found = await findOrder(ctx.db, merchant.id, input.orderId.trim());
  if (!found || found.order.channelId !== channel.id || !(await timingSafeEqual(found.order.email, email))) {
    throw noMatch();
  }
  const now = Date.now();
  const accessToken = randomToken(32);
  await accessTokenStatement(ctx.db, merchant.id, {
    tokenHash: await sha256Hex(accessToken),
    orderId: found.order.id,
    createdAt: now,
    expiresAt: now + LOOKUP_TOKEN_TTL_MS,
  });
  return { orderId: found.order.id, accessToken };
}

export async function getAdminOrder(ctx: ServiceContext, merchantId: string, orderId: string) {
  const found = await findOrder(ctx.db, merchantId, orderId);
  if (!found) throw new ApiError("not_found", "No such order");
  return {
    ...orderView(found.order, found.items, found.payment, null),
    deliveries: await maskedDeliveries(ctx, found.deliveries),
  };
}

/**
 * A listing's date range as instants: a bare date is that whole day in `timeZone` (UTC unless
 * told), a timestamp is taken as written. `to` is inclusive.
 */
export function dateRange(
  input: { from?: string | undefined; to?: string | undefined },
  timeZone = "UTC",
): { from?: number | undefined; to?: number | undefined } {
  const bare = (value: string) => value.length === 10;
  const from =
    input.from === undefined ? undefined : bare(input.from) ? startOfDay(input.from, timeZone) : Date.parse(input.from);
  const to =
    input.to === undefined
      ? undefined
      : bare(input.to)
        ? // The day after 9999-12-31 has no YYYY-MM-DD (addDays would answer "+010000-01"): no upper bound.
          input.to === "9999-12-31"
          ? undefined
          : startOfDay(addDays(input.to, 1), timeZone) - 1
        : Date.parse(input.to);
  if (from !== undefined && to !== undefined && from > to) {
    throw new ApiError("validation_failed", "`from` is after `to`", {
      errors: [{ path: "from", message: "after to" }],
    });
  }
  return { from, to };
}

export async function listOrders(
  ctx: ServiceContext,
  merchantId: string,
  options: {
    limit: number;
    cursor?: string | undefined;
    status?: OrderStatus | undefined;
    email?: string | undefined;
    orderId?: string | undefined;
    channelId?: string | null | undefined;
    from?: number | undefined;
    to?: number | undefined;
  },
) {
  const page = await listOrdersPage(ctx.db, merchantId, options);
  return {
    data: page.data.map(({ order, items, payment }) => orderView(order, items, payment, null)),
    nextCursor: page.nextCursor,
  };
}

/** The full code (and secret) of one delivery, for staff; the reveal is audited before it is shown. */
export async function revealDelivery(ctx: ServiceContext, caller: AdminCaller, orderId: string, deliveryId: string) {
  const found = await findOrder(ctx.db, caller.merchantId, orderId);
  const delivery = found?.deliveries.find((row) => row.id === deliveryId);
  if (!found || !delivery) throw new ApiError("not_found", "No such delivery");
  await recordAudit(
    ctx.db,
    caller.merchantId,
    auditEntry(caller, "delivery.revealed", deliveryId, { orderId, codeId: delivery.codeId }),
  );
  const context = deliveryContext(delivery);
  return {
    code: await ctx.vault.decrypt(delivery.codeCiphertext, context),
    ...(delivery.secretCiphertext ? { secret: await ctx.vault.decrypt(delivery.secretCiphertext, context) } : {}),
  };
}

/**
 * Queues the delivery e-mail of a fulfilled order again. The message is recorded in
 * `notifications` as queued; sending e-mail is the job of a sender that drains that table.
 */
export async function resendDelivery(ctx: ServiceContext, caller: AdminCaller, orderId: string) {
  const found = await findOrder(ctx.db, caller.merchantId, orderId);
  if (!found) throw new ApiError("not_found", "No such order");
  if (found.order.status !== "fulfilled" && found.order.status !== "partially_refunded") {
    throw new ApiError("conflict", "Only a delivered order can be sent again");
  }
  const now = Date.now();
  const notificationId = newId("notification", now);
  await runAtomic(ctx.db, [
    notificationStatement(ctx.db, caller.merchantId, {
      id: notificationId,
      kind: "delivery",
      orderId,
      email: found.order.email,
      status: "queued",
      createdAt: now,
    }),
    audited(ctx, caller, "order.resent", orderId, { notificationId }, now),
  ]);
  return { notificationId };
}
