import { and, desc, eq, inArray, isNotNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  orderAccessTokens,
  orders,
  paymentMethods,
  skus,
  subscriptionEvents,
  subscriptionRenewals,
  subscriptions,
} from "../schema";
import type { SkuRow } from "./catalog";
import { type Page, type PageOptions, toPage } from "./page";

export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type NewSubscription = Omit<SubscriptionRow, "merchantId">;
export type SubscriptionStatus = SubscriptionRow["status"];
export type RenewalRow = typeof subscriptionRenewals.$inferSelect;
export type SubscriptionEventRow = typeof subscriptionEvents.$inferSelect;
export type NewSubscriptionEvent = Omit<SubscriptionEventRow, "merchantId">;
export type PaymentMethodRow = typeof paymentMethods.$inferSelect;

/** The method a provider saved with a payment; a replayed webhook saves nothing new. */
export function paymentMethodStatement(db: Db, merchantId: string, row: Omit<PaymentMethodRow, "merchantId">) {
  return db
    .insert(paymentMethods)
    .values({ ...row, merchantId })
    .onConflictDoNothing({ target: paymentMethods.paymentId });
}

export async function paymentMethodOfPayment(db: Db, paymentId: string): Promise<PaymentMethodRow | null> {
  return (await db.select().from(paymentMethods).where(eq(paymentMethods.paymentId, paymentId)).get()) ?? null;
}

export async function findPaymentMethod(db: Db, merchantId: string, id: string): Promise<PaymentMethodRow | null> {
  return (
    (await db
      .select()
      .from(paymentMethods)
      .where(and(eq(paymentMethods.id, id), eq(paymentMethods.merchantId, merchantId)))
      .get()) ?? null
  );
}

/** New subscriptions; a line already subscribed (fulfilment running twice) is skipped. */
export function startSubscriptionStatements(db: Db, merchantId: string, rows: NewSubscription[]) {
  return [
    db
      .insert(subscriptions)
      .values(rows.map((row) => ({ ...row, merchantId })))
      .onConflictDoNothing({ target: subscriptions.sourceItemId }),
  ] as const;
}

export async function findSubscription(db: Db, merchantId: string, id: string): Promise<SubscriptionRow | null> {
  return (
    (await db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.id, id), eq(subscriptions.merchantId, merchantId)))
      .get()) ?? null
  );
}

/** The subscriptions an order started, or renewed a period of. */
export async function subscriptionsOfOrder(db: Db, merchantId: string, orderId: string): Promise<SubscriptionRow[]> {
  const renewed = db
    .select({ id: subscriptionRenewals.subscriptionId })
    .from(subscriptionRenewals)
    .where(and(eq(subscriptionRenewals.orderId, orderId), eq(subscriptionRenewals.merchantId, merchantId)));
  return db
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.merchantId, merchantId),
        or(eq(subscriptions.sourceOrderId, orderId), inArray(subscriptions.id, renewed)),
      ),
    )
    .orderBy(subscriptions.id)
    .all();
}

/** The merchant's subscriptions newest first, optionally of one status or one buyer's email. */
export async function listSubscriptionsPage(
  db: Db,
  merchantId: string,
  options: PageOptions & { status?: SubscriptionStatus | undefined; email?: string | undefined },
): Promise<Page<SubscriptionRow>> {
  const filters = [eq(subscriptions.merchantId, merchantId)];
  if (options.status) filters.push(eq(subscriptions.status, options.status));
  if (options.email) filters.push(eq(subscriptions.email, options.email.trim().toLowerCase()));
  if (options.cursor) filters.push(lt(subscriptions.id, options.cursor));
  const rows = await db
    .select()
    .from(subscriptions)
    .where(and(...filters))
    .orderBy(desc(subscriptions.id))
    .limit(options.limit + 1)
    .all();
  return toPage(
    rows,
    options.limit,
    (row) => row.id,
    (row) => row,
  );
}

export async function subscriptionHistory(db: Db, merchantId: string, subscriptionId: string) {
  const [renewals, events] = await db.batch([
    db
      .select()
      .from(subscriptionRenewals)
      .where(
        and(eq(subscriptionRenewals.subscriptionId, subscriptionId), eq(subscriptionRenewals.merchantId, merchantId)),
      )
      .orderBy(subscriptionRenewals.period),
    db
      .select()
      .from(subscriptionEvents)
      .where(and(eq(subscriptionEvents.subscriptionId, subscriptionId), eq(subscriptionEvents.merchantId, merchantId)))
      .orderBy(subscriptionEvents.id),
  ]);
  return { renewals, events };
}

/** Subscriptions of every merchant whose next period is due by `now` (the cron's list). */
export function dueSubscriptions(db: Db, now: number, limit: number): Promise<SubscriptionRow[]> {
  return db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.status, "active"), lte(subscriptions.nextRenewalAt, now)))
    .orderBy(subscriptions.nextRenewalAt)
    .limit(limit)
    .all();
}

/** Failed renewals whose next attempt is due, of subscriptions still past due. */
export function renewalsDueForRetry(db: Db, now: number, limit: number): Promise<RenewalRow[]> {
  return db
    .select({ renewal: subscriptionRenewals })
    .from(subscriptionRenewals)
    .innerJoin(subscriptions, eq(subscriptions.id, subscriptionRenewals.subscriptionId))
    .where(
      and(
        eq(subscriptionRenewals.status, "failed"),
        lte(subscriptionRenewals.nextAttemptAt, now),
        eq(subscriptions.status, "past_due"),
      ),
    )
    .limit(limit)
    .all()
    .then((rows) => rows.map((row) => row.renewal));
}

/** Renewals whose charge attempt was left unfinished (last touched before `before`). */
export function stalledRenewals(db: Db, before: number, limit: number): Promise<RenewalRow[]> {
  return db
    .select()
    .from(subscriptionRenewals)
    .where(and(eq(subscriptionRenewals.status, "charging"), lt(subscriptionRenewals.updatedAt, before)))
    .limit(limit)
    .all();
}

export async function findRenewal(db: Db, renewalId: string): Promise<RenewalRow | null> {
  return (await db.select().from(subscriptionRenewals).where(eq(subscriptionRenewals.id, renewalId)).get()) ?? null;
}

/**
 * The renewal of a period, as statements for runAtomic beside its order: the insert fails on a
 * period already renewed (so the whole batch, order included, is refused), and the
 * subscription stops being due until the renewal is settled.
 */
export function claimRenewalStatements(db: Db, merchantId: string, renewal: Omit<RenewalRow, "merchantId">) {
  return [
    db.insert(subscriptionRenewals).values({ ...renewal, merchantId }),
    db
      .update(subscriptions)
      .set({ nextRenewalAt: null, updatedAt: renewal.createdAt })
      .where(and(eq(subscriptions.id, renewal.subscriptionId), eq(subscriptions.merchantId, merchantId))),
  ] as const;
}

/** Claims the next charge attempt of a failed renewal; of concurrent claims one returns the row. */
export async function claimRetry(db: Db, renewal: RenewalRow, at: number): Promise<RenewalRow | null> {
  const [claimed] = await db
    .update(subscriptionRenewals)
    .set({ status: "charging", attempts: renewal.attempts + 1, nextAttemptAt: null, updatedAt: at })
    .where(
      and(
        eq(subscriptionRenewals.id, renewal.id),
        eq(subscriptionRenewals.status, "failed"),
        eq(subscriptionRenewals.attempts, renewal.attempts),
      ),
    )
    .returning();
  return claimed ?? null;
}

/** Marks a charging renewal as touched, so the stalled-renewal sweep leaves it to this attempt. */
export async function touchRenewal(db: Db, renewalId: string, at: number): Promise<void> {
  await db
    .update(subscriptionRenewals)
    .set({ updatedAt: at })
    .where(and(eq(subscriptionRenewals.id, renewalId), eq(subscriptionRenewals.status, "charging")));
}

/**
 * A history row as a statement. With a guard, the row's subscription id is null unless the
 * guard holds, so the insert fails and with it the batch; a repeat fails on the unique
 * (subscription, period, kind, attempt) key the same way.
 */
export function subscriptionEventStatement(db: Db, merchantId: string, event: NewSubscriptionEvent, guard?: SQL) {
  return db.insert(subscriptionEvents).values({
    ...event,
    merchantId,
    ...(guard ? { subscriptionId: sql`CASE WHEN ${guard} THEN ${event.subscriptionId} ELSE NULL END` } : {}),
  });
}

/** True when a batch was refused by its subscription event: already applied, or its guard failed. */
export function isSubscriptionEventRefusal(error: unknown): boolean {
  return constraintFailed(error, /constraint failed: subscription_events\./);
}

/** True when a renewal batch was refused because the period was already renewed. */
export function isRenewalTaken(error: unknown): boolean {
  return constraintFailed(error, /UNIQUE constraint failed: subscription_renewals\./);
}

function constraintFailed(error: unknown, pattern: RegExp): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    if (pattern.test(String((cause as Error).message ?? cause))) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** SQL true while the renewal is in one of these statuses (and, optionally, on this attempt). */
export function renewalIs(renewalId: string, statuses: RenewalRow["status"][], attempt?: number): SQL {
  const onAttempt = attempt === undefined ? sql`` : sql` AND ${subscriptionRenewals.attempts} = ${attempt}`;
  return sql`EXISTS (SELECT 1 FROM ${subscriptionRenewals} WHERE ${subscriptionRenewals.id} = ${renewalId} AND ${inArray(subscriptionRenewals.status, statuses)}${onAttempt})`;
}

/** SQL true while the subscription is in one of these statuses. */
export function subscriptionIs(subscriptionId: string, statuses: SubscriptionStatus[]): SQL {
  return sql`EXISTS (SELECT 1 FROM ${subscriptions} WHERE ${subscriptions.id} = ${subscriptionId} AND ${inArray(subscriptions.status, statuses)})`;
}

export function updateRenewalStatement(
  db: Db,
  renewalId: string,
  changes: Partial<Pick<RenewalRow, "status" | "nextAttemptAt" | "lastFailure" | "updatedAt">>,
) {
  return db.update(subscriptionRenewals).set(changes).where(eq(subscriptionRenewals.id, renewalId));
}

export function updateSubscriptionStatement(
  db: Db,
  merchantId: string,
  subscriptionId: string,
  changes: Partial<Omit<SubscriptionRow, "id" | "merchantId">>,
  onlyFrom?: SubscriptionStatus[],
) {
  const filters = [eq(subscriptions.id, subscriptionId), eq(subscriptions.merchantId, merchantId)];
  if (onlyFrom) filters.push(inArray(subscriptions.status, onlyFrom));
  return db
    .update(subscriptions)
    .set(changes)
    .where(and(...filters));
}

/** Renewals of a subscription still open (charging or waiting for a retry), for a cancellation. */
export function closeOpenRenewalsStatement(db: Db, subscriptionId: string, at: number) {
  return db
    .update(subscriptionRenewals)
    .set({ status: "canceled", nextAttemptAt: null, updatedAt: at })
    .where(
      and(
        eq(subscriptionRenewals.subscriptionId, subscriptionId),
        inArray(subscriptionRenewals.status, ["charging", "failed"]),
      ),
    );
}

/**
 * True when `orderId` renews a subscription whose first order `tokenHash` opens (its own token
 * or one an order lookup issued): the buyer's link to the first order reaches every renewal.
 */
export async function renewalOpenedByToken(
  db: Db,
  merchantId: string,
  orderId: string,
  tokenHash: string,
  now: number,
): Promise<boolean> {
  const row = await db
    .select({ id: subscriptionRenewals.id })
    .from(subscriptionRenewals)
    .innerJoin(subscriptions, eq(subscriptions.id, subscriptionRenewals.subscriptionId))
    .innerJoin(orders, eq(orders.id, subscriptions.sourceOrderId))
    .leftJoin(
      orderAccessTokens,
      and(
        eq(orderAccessTokens.orderId, orders.id),
        eq(orderAccessTokens.tokenHash, tokenHash),
        sql`${orderAccessTokens.expiresAt} > ${now}`,
      ),
    )
    .where(
      and(
        eq(subscriptionRenewals.orderId, orderId),
        eq(subscriptionRenewals.merchantId, merchantId),
        or(eq(orders.accessTokenHash, tokenHash), isNotNull(orderAccessTokens.tokenHash)),
      ),
    )
    .get();
  return row !== undefined;
}

/** Makes a SKU a subscription renewing every `every` periods, or (null) a one-off purchase again. */
export function renewalPlanStatement(
  db: Db,
  merchantId: string,
  skuId: string,
  plan: { period: NonNullable<SkuRow["renewalPeriod"]>; every: number } | null,
) {
  return db
    .update(skus)
    .set({ renewalPeriod: plan?.period ?? null, renewalEvery: plan?.every ?? null })
    .where(and(eq(skus.id, skuId), eq(skus.merchantId, merchantId)));
}
