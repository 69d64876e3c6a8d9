import { and, desc, eq, gt, gte, inArray, isNull, lt, lte } from "drizzle-orm";
import { chunkRows } from "../chunks";
import { type Db, runAtomic } from "../client";
import { deliveries, orderAccessTokens, orderItems, orders, payments } from "../schema";
import { type Page, type PageOptions, toPage } from "./page";

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
export type OrderStatus = OrderRow["status"];

export interface NewOrder {
  order: Omit<typeof orders.$inferInsert, "merchantId">;
  items: Omit<typeof orderItems.$inferInsert, "merchantId" | "orderId">[];
  payment: Omit<typeof payments.$inferInsert, "merchantId" | "orderId">;
}

export interface OrderWithLines {
  order: OrderRow;
  items: OrderItemRow[];
  payment: PaymentRow | undefined;
}

export interface OrderDetail extends OrderWithLines {
  deliveries: DeliveryRow[];
}

/**
 * The statements that write an order, its items and its payment, every row stamped with the
 * merchant and the order. Returned rather than run so the caller can add the stock levels the
 * order reserved to the same runAtomic.
 */
export function orderStatements(db: Db, merchantId: string, { order, items, payment }: NewOrder) {
  const itemRows = items.map((item) => ({ ...item, merchantId, orderId: order.id }));
  return [
    db.insert(orders).values({ ...order, merchantId }),
    ...chunkRows(itemRows).map((chunk) => db.insert(orderItems).values(chunk)),
    db.insert(payments).values({ ...payment, merchantId, orderId: order.id }),
  ] as const;
}

export async function insertOrder(db: Db, merchantId: string, order: NewOrder): Promise<void> {
  await runAtomic(db, orderStatements(db, merchantId, order));
}

/**
 * Orders newest first with their items and payment, in one round trip: the lines are selected
 * by a subquery over the same page, so no statement binds more than a handful of parameters.
 * `email` is matched as stored, trimmed and lower-cased.
 */
export async function listOrdersPage(
  db: Db,
  merchantId: string,
  options: PageOptions & {
    status?: OrderStatus | undefined;
    email?: string | undefined;
    orderId?: string | undefined;
    /** Orders of this channel only; null: the merchant's own shop. */
    channelId?: string | null | undefined;
    /** Created at or after this instant (ms). */
    from?: number | undefined;
    /** Created at or before this instant (ms). */
    to?: number | undefined;
  },
): Promise<Page<OrderWithLines>> {
  const filters = [eq(orders.merchantId, merchantId)];
  if (options.cursor) filters.push(lt(orders.id, options.cursor));
  if (options.status) filters.push(eq(orders.status, options.status));
  if (options.email) filters.push(eq(orders.email, options.email.trim().toLowerCase()));
  if (options.orderId) filters.push(eq(orders.id, options.orderId.trim()));
  if (options.channelId !== undefined)
    filters.push(options.channelId === null ? isNull(orders.channelId) : eq(orders.channelId, options.channelId));
  if (options.from !== undefined) filters.push(gte(orders.createdAt, options.from));
  if (options.to !== undefined) filters.push(lte(orders.createdAt, options.to));
  const where = and(...filters);
  const pageIds = db.select({ id: orders.id }).from(orders).where(where).orderBy(desc(orders.id)).limit(options.limit);
  const [rows, items, paymentRows] = await db.batch([
    db
      .select()
      .from(orders)
      .where(where)
      .orderBy(desc(orders.id))
      .limit(options.limit + 1),
    db
      .select()
      .from(orderItems)
      .where(and(eq(orderItems.merchantId, merchantId), inArray(orderItems.orderId, pageIds))),
    db
      .select()
      .from(payments)
      .where(and(eq(payments.merchantId, merchantId), inArray(payments.orderId, pageIds))),
  ]);
  return toPage(
    rows,
    options.limit,
    (order) => order.id,
    (order) => ({
      order,
      items: items.filter((item) => item.orderId === order.id),
      payment: paymentRows.find((payment) => payment.orderId === order.id),
    }),
  );
}

/**
 * One order of this merchant with its items, payment and deliveries (by item, then seq), in one
 * round trip. Every row is matched on the merchant too, so a foreign order id reads as missing.
 */
export async function findOrder(db: Db, merchantId: string, orderId: string): Promise<OrderDetail | null> {
  const [found, items, paymentRows, deliveryRows] = await db.batch([
    db
      .select()
      .from(orders)
      .where(and(eq(orders.id, orderId), eq(orders.merchantId, merchantId))),
    db
      .select()
      .from(orderItems)
      .where(and(eq(orderItems.orderId, orderId), eq(orderItems.merchantId, merchantId))),
    db
      .select()
      .from(payments)
      .where(and(eq(payments.orderId, orderId), eq(payments.merchantId, merchantId))),
    db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.orderId, orderId), eq(deliveries.merchantId, merchantId)))
      .orderBy(deliveries.itemId, deliveries.seq),
  ]);
  const order = found[0];
  if (!order) return null;
  return { order, items, payment: paymentRows[0], deliveries: deliveryRows };
}

/** An unpaid order whose reservation lapsed becomes `expired`; true when it moved. */
export async function expireOrder(db: Db, merchantId: string, orderId: string, at: number): Promise<boolean> {
  const moved = await db
    .update(orders)
    .set({ status: "expired", statusReason: "reservation_expired", updatedAt: at })
    .where(
      and(
        eq(orders.id, orderId),
        eq(orders.merchantId, merchantId),
        inArray(orders.status, ["awaiting_payment", "payment_failed"]),
      ),
    )
    .returning({ id: orders.id });
  return moved.length > 0;
}

/** Another access token for an order, stored as its hash, for runAtomic. */
export function accessTokenStatement(
  db: Db,
  merchantId: string,
  token: { tokenHash: string; orderId: string; createdAt: number; expiresAt: number },
) {
  return db.insert(orderAccessTokens).values({ ...token, merchantId });
}

/** True when `tokenHash` is a live extra token of this merchant's order. */
export async function hasAccessToken(
  db: Db,
  merchantId: string,
  orderId: string,
  tokenHash: string,
  now: number,
): Promise<boolean> {
  const row = await db
    .select({ orderId: orderAccessTokens.orderId })
    .from(orderAccessTokens)
    .where(
      and(
        eq(orderAccessTokens.tokenHash, tokenHash),
        eq(orderAccessTokens.orderId, orderId),
        eq(orderAccessTokens.merchantId, merchantId),
        gt(orderAccessTokens.expiresAt, now),
      ),
    )
    .get();
  return row !== undefined;
}

/**
 * Claims a paid or fulfilled order for a refund, as a statement for runAtomic: of concurrent
 * refunds exactly one moves it (its result has the row), and an unpaid order never moves.
 */
export function claimRefundStatement(
  db: Db,
  merchantId: string,
  orderId: string,
  input: { reason: string; at: number; from: OrderStatus[] },
) {
  return db
    .update(orders)
    .set({ status: "refunded", statusReason: input.reason, refundedAt: input.at, updatedAt: input.at })
    .where(and(eq(orders.id, orderId), eq(orders.merchantId, merchantId), inArray(orders.status, input.from)))
    .returning({ id: orders.id, fulfilledAt: orders.fulfilledAt });
}
