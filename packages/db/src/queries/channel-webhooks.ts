import { and, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { channelEvents, channels, channelWebhookDeliveries, channelWebhooks, orders } from "../schema";
import { type Page, type PageOptions, toPage } from "./page";

export type ChannelWebhookRow = typeof channelWebhooks.$inferSelect;
export type ChannelEventRow = typeof channelEvents.$inferSelect;
export type WebhookDeliveryRow = typeof channelWebhookDeliveries.$inferSelect;

export function webhookStatement(db: Db, merchantId: string, row: Omit<ChannelWebhookRow, "merchantId">) {
  return db.insert(channelWebhooks).values({ ...row, merchantId });
}

/** A channel's endpoints still in use, oldest first. */
export function listActiveWebhooks(db: Db, merchantId: string, channelId: string): Promise<ChannelWebhookRow[]> {
  return db
    .select()
    .from(channelWebhooks)
    .where(
      and(
        eq(channelWebhooks.merchantId, merchantId),
        eq(channelWebhooks.channelId, channelId),
        eq(channelWebhooks.status, "active"),
      ),
    )
    .orderBy(channelWebhooks.id)
    .all();
}

export async function findWebhook(
  db: Db,
  merchantId: string,
  channelId: string,
  webhookId: string,
): Promise<ChannelWebhookRow | null> {
  return (
    (await db
      .select()
      .from(channelWebhooks)
      .where(
        and(
          eq(channelWebhooks.id, webhookId),
          eq(channelWebhooks.merchantId, merchantId),
          eq(channelWebhooks.channelId, channelId),
        ),
      )
      .get()) ?? null
  );
}

export function removeWebhookStatement(db: Db, merchantId: string, webhookId: string, at: number) {
  return db
    .update(channelWebhooks)
    .set({ status: "removed", updatedAt: at })
    .where(and(eq(channelWebhooks.id, webhookId), eq(channelWebhooks.merchantId, merchantId)));
}

/** The event of an order outcome, written once per order and type: a repeat returns nothing. */
export function channelEventStatement(db: Db, merchantId: string, row: Omit<ChannelEventRow, "merchantId">) {
  return db
    .insert(channelEvents)
    .values({ ...row, merchantId })
    .onConflictDoNothing({ target: [channelEvents.orderId, channelEvents.type] })
    .returning({ id: channelEvents.id });
}

export async function findChannelEvent(db: Db, orderId: string, type: ChannelEventRow["type"]) {
  return (
    (await db
      .select()
      .from(channelEvents)
      .where(and(eq(channelEvents.orderId, orderId), eq(channelEvents.type, type)))
      .get()) ?? null
  );
}

/** One delivery per endpoint and event: a repeat inserts nothing. */
export function deliveryStatements(
  db: Db,
  merchantId: string,
  rows: Omit<WebhookDeliveryRow, "merchantId" | "attempts" | "lastStatusCode" | "lastError" | "deliveredAt">[],
) {
  return rows.map((row) =>
    db
      .insert(channelWebhookDeliveries)
      .values({ ...row, merchantId, attempts: 0 })
      .onConflictDoNothing({ target: [channelWebhookDeliveries.webhookId, channelWebhookDeliveries.eventId] })
      .returning({ id: channelWebhookDeliveries.id }),
  );
}

export function pendingDeliveriesOf(db: Db, eventId: string): Promise<WebhookDeliveryRow[]> {
  return db
    .select()
    .from(channelWebhookDeliveries)
    .where(and(eq(channelWebhookDeliveries.eventId, eventId), eq(channelWebhookDeliveries.status, "pending")))
    .all();
}

export interface DeliveryToSend {
  delivery: WebhookDeliveryRow;
  event: ChannelEventRow;
  webhook: ChannelWebhookRow;
}

/** A delivery with its event and endpoint, in one read. */
export async function findDeliveryToSend(db: Db, deliveryId: string): Promise<DeliveryToSend | null> {
  const row = await db
    .select({ delivery: channelWebhookDeliveries, event: channelEvents, webhook: channelWebhooks })
    .from(channelWebhookDeliveries)
    .innerJoin(channelEvents, eq(channelEvents.id, channelWebhookDeliveries.eventId))
    .innerJoin(channelWebhooks, eq(channelWebhooks.id, channelWebhookDeliveries.webhookId))
    .where(eq(channelWebhookDeliveries.id, deliveryId))
    .get();
  return row ?? null;
}

/** Records an attempt; a delivery that already succeeded or was given up is left as it is. */
export async function recordDeliveryAttempt(
  db: Db,
  deliveryId: string,
  outcome: Pick<
    WebhookDeliveryRow,
    "status" | "attempts" | "lastStatusCode" | "lastError" | "nextAttemptAt" | "deliveredAt"
  >,
  at: number,
): Promise<void> {
  await db
    .update(channelWebhookDeliveries)
    .set({ ...outcome, updatedAt: at })
    .where(and(eq(channelWebhookDeliveries.id, deliveryId), eq(channelWebhookDeliveries.status, "pending")));
}

export interface DeliveryListing {
  delivery: WebhookDeliveryRow;
  event: Pick<ChannelEventRow, "id" | "type" | "orderId">;
  url: string;
}

/** A channel's deliveries, newest first, with what each was about and where it went. */
export async function listDeliveriesPage(
  db: Db,
  merchantId: string,
  channelId: string,
  options: PageOptions,
): Promise<Page<DeliveryListing>> {
  const filters = [
    eq(channelWebhookDeliveries.merchantId, merchantId),
    eq(channelWebhookDeliveries.channelId, channelId),
  ];
  if (options.cursor) filters.push(lt(channelWebhookDeliveries.id, options.cursor));
  const rows = await db
    .select({
      delivery: channelWebhookDeliveries,
      event: { id: channelEvents.id, type: channelEvents.type, orderId: channelEvents.orderId },
      url: channelWebhooks.url,
    })
    .from(channelWebhookDeliveries)
    .innerJoin(channelEvents, eq(channelEvents.id, channelWebhookDeliveries.eventId))
    .innerJoin(channelWebhooks, eq(channelWebhooks.id, channelWebhookDeliveries.webhookId))
    .where(and(...filters))
    .orderBy(desc(channelWebhookDeliveries.id))
    .limit(options.limit + 1)
    .all();
  return toPage(
    rows,
    options.limit,
    (row) => row.delivery.id,
    (row) => row,
  );
}

/**
 * Pending deliveries whose next attempt is overdue (their queue message was lost), claimed for
 * the sweep: their next attempt moves to `until`, so the next sweep leaves them to this one.
 */
export function claimOverdueDeliveries(
  db: Db,
  before: number,
  until: number,
  limit: number,
): Promise<{ id: string }[]> {
  const overdue = db
    .select({ id: channelWebhookDeliveries.id })
    .from(channelWebhookDeliveries)
    .where(and(eq(channelWebhookDeliveries.status, "pending"), lt(channelWebhookDeliveries.nextAttemptAt, before)))
    .limit(limit);
  return db
    .update(channelWebhookDeliveries)
    .set({ nextAttemptAt: until })
    .where(and(inArray(channelWebhookDeliveries.id, overdue), eq(channelWebhookDeliveries.status, "pending")))
    .returning({ id: channelWebhookDeliveries.id });
}

/**
 * Reseller orders delivered or refunded (last changed between `from` and `to`) whose outcome has
 * no event although their channel has an endpoint: the invocation that moved them died before
 * publishing. Across merchants: the sweep's own read.
 */
export function unpublishedOutcomes(db: Db, from: number, to: number, limit: number) {
  return db
    .selectDistinct({
      id: orders.id,
      merchantId: orders.merchantId,
      channelId: orders.channelId,
      status: orders.status,
    })
    .from(orders)
    .innerJoin(channels, and(eq(channels.id, orders.channelId), eq(channels.kind, "reseller")))
    .innerJoin(
      channelWebhooks,
      and(eq(channelWebhooks.channelId, orders.channelId), eq(channelWebhooks.status, "active")),
    )
    .where(
      and(
        inArray(orders.status, ["fulfilled", "refunded"]),
        gt(orders.updatedAt, from),
        lt(orders.updatedAt, to),
        sql`NOT EXISTS (SELECT 1 FROM ${channelEvents} WHERE ${channelEvents.orderId} = ${orders.id} AND ${channelEvents.type} = CASE ${orders.status} WHEN 'fulfilled' THEN 'order.fulfilled' ELSE 'order.refunded' END)`,
      ),
    )
    .limit(limit)
    .all();
}

/** Per endpoint, how many of its deliveries are in each state. */
export async function deliveryCounts(db: Db, merchantId: string, webhookIds: string[]) {
  if (webhookIds.length === 0) return [];
  return db
    .select({
      webhookId: channelWebhookDeliveries.webhookId,
      status: channelWebhookDeliveries.status,
      count: sql<number>`count(*)`,
    })
    .from(channelWebhookDeliveries)
    .where(
      and(eq(channelWebhookDeliveries.merchantId, merchantId), inArray(channelWebhookDeliveries.webhookId, webhookIds)),
    )
    .groupBy(channelWebhookDeliveries.webhookId, channelWebhookDeliveries.status)
    .all();
}
