import { claimRefundStatement, runAtomic } from "@tessera/db";
import { orders, payments, riskAssessments } from "@tessera/db/schema";
import { type Assessment, assessOrder, type Decision, type OrderFacts, type RiskSettings } from "@tessera/domain";
import { and, count, countDistinct, eq, gte, inArray, isNotNull, lt, ne } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { fulfillOrder } from "../fulfillment";
import { completeRefund } from "../refunds";
import { keepHeldStock } from "./held-stock";
import { listHitsFor } from "./lists";
import { assessmentStatements, HOLD_REASONS } from "./screening";
import { riskSettingsOf } from "./settings";
import { cardOf, type OrderRow, type Recipient, recipientsOf, subjectOf } from "./signals";

export type RiskMessage = { orderId: string };

/**
 * What a payment that put its order on hold owes next: a score from the `risk` queue, or (a
 * blocklist hit) its refund, after the webhook has answered. The order sweep re-sends whatever
 * is still waiting, should this invocation not finish.
 */
export async function afterHold(ctx: ServiceContext, orderId: string, reason: string | null): Promise<void> {
  if (reason === HOLD_REASONS.scoring) {
    await ctx.env.RISK.send({ orderId } satisfies RiskMessage, { contentType: "json" });
  } else if (reason === HOLD_REASONS.blocked) {
    ctx.waitUntil(
      blockHeldOrder(ctx, orderId).catch((error) =>
        ctx.log.warn("risk block refund failed", { orderId, error: String(error) }),
      ),
    );
  }
}

export type ScoringResult = { status: OrderRow["status"] | "missing"; decision: Decision | null };

/**
 * The `risk` consumer's use case: scores a held order once and carries out the decision
 * (allow → `paid` and fulfilled, review → held for a person, block → refunded). The first
 * assessment stored for an order is the one that counts, so a redelivered or concurrent message
 * only finishes what that decision started; every step is guarded by the order's status.
 */
export async function scoreHeldOrder(ctx: ServiceContext, orderId: string): Promise<ScoringResult> {
  const order = await ctx.db.select().from(orders).where(eq(orders.id, orderId)).get();
  if (!order) return { status: "missing", decision: null };
  if (order.status !== "on_hold") return { status: order.status, decision: null };
  if (order.statusReason === HOLD_REASONS.blocked) {
    await blockHeldOrder(ctx, orderId);
    return { status: "refunded", decision: "block" };
  }
  const settings = await riskSettingsOf(ctx, order.merchantId);
  let stored = await assessmentOf(ctx, orderId);
  if (!stored) {
    const { facts, recipientKey } = await gatherFacts(ctx, order, settings);
    const assessment = assessOrder(facts, settings);
    await recordAssessment(ctx, order, assessment, recipientKey);
    stored = (await assessmentOf(ctx, orderId)) ?? assessment;
  }
  return { status: await carryOut(ctx, order, stored.decision), decision: stored.decision };
}

async function assessmentOf(ctx: ServiceContext, orderId: string): Promise<Assessment | undefined> {
  return ctx.db
    .select({
      score: riskAssessments.score,
      decision: riskAssessments.decision,
      contributions: riskAssessments.contributions,
    })
    .from(riskAssessments)
    .where(eq(riskAssessments.orderId, orderId))
    .get();
}

async function recordAssessment(
  ctx: ServiceContext,
  order: OrderRow,
  assessment: Assessment,
  recipientKey: string | null,
) {
  await runAtomic(ctx.db, [
    ...assessmentStatements(ctx, order, assessment, { stage: "queue", recipientKey, now: Date.now() }),
  ]);
  ctx.log.info("order scored", { orderId: order.id, score: assessment.score, decision: assessment.decision });
}

async function carryOut(ctx: ServiceContext, order: OrderRow, decision: Decision): Promise<OrderRow["status"]> {
  if (decision === "allow") {
    // Only an order still waiting for its score is released: one a person decided stays decided.
    const released = await ctx.db
      .update(orders)
      .set({ status: "paid", statusReason: null, updatedAt: Date.now() })
      .where(and(eq(orders.id, order.id), eq(orders.status, "on_hold"), eq(orders.statusReason, HOLD_REASONS.scoring)))
      .returning({ id: orders.id });
    const current = released.length > 0 ? "paid" : await statusOf(ctx, order.id);
    if (current !== "paid") return current;
    return (await fulfillOrder(ctx, order.id)).status as OrderRow["status"];
  }
  if (decision === "review") {
    await keepHeldStock(ctx, order.id);
    await ctx.db
      .update(orders)
      .set({ statusReason: HOLD_REASONS.review, updatedAt: Date.now() })
      .where(and(eq(orders.id, order.id), eq(orders.status, "on_hold"), eq(orders.statusReason, HOLD_REASONS.scoring)));
    // A person may have rejected it while its units were being kept: the refund's steps run
    // again to give back what this run committed.
    if ((await statusOf(ctx, order.id)) === "refunded") await completeRefund(ctx, order.id);
    return statusOf(ctx, order.id);
  }
  await blockHeldOrder(ctx, order.id);
  return statusOf(ctx, order.id);
}

async function statusOf(ctx: ServiceContext, orderId: string): Promise<OrderRow["status"]> {
  const row = await ctx.db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId)).get();
  return row?.status ?? "refunded";
}

/**
 * Refunds a held order the rules blocked. The move to `refunded` is claimed (from `on_hold`
 * only, so a person's approval that came first stands); the refund's own steps are idempotent,
 * so a run that finds it already claimed finishes them again harmlessly.
 */
export async function blockHeldOrder(ctx: ServiceContext, orderId: string): Promise<void> {
  const order = await ctx.db.select({ merchantId: orders.merchantId }).from(orders).where(eq(orders.id, orderId)).get();
  if (!order) return;
  const now = Date.now();
  await claimRefundStatement(ctx.db, order.merchantId, orderId, {
    reason: HOLD_REASONS.blocked,
    at: now,
    from: ["on_hold"],
  });
  await completeRefund(ctx, orderId);
}

/**
 * The facts the rules read, from D1 in one round of parallel indexed counts. Velocity counts
 * paid orders (held, delivered or refunded alike) in the window, this one included.
 */
async function gatherFacts(
  ctx: ServiceContext,
  order: OrderRow,
  settings: RiskSettings,
): Promise<{ facts: OrderFacts; recipientKey: string | null }> {
  const since = (order.paidAt ?? Date.now()) - settings.windowHours * 3_600_000;
  const payment = await ctx.db
    .select({ fingerprint: payments.fingerprint, cardCountry: payments.cardCountry })
    .from(payments)
    .where(and(eq(payments.orderId, order.id), inArray(payments.status, ["succeeded", "refunded"])))
    .get();
  const card = cardOf(payment ?? { fingerprint: null, cardCountry: null });
  const recipients: Recipient[] = await recipientsOf(ctx, order);
  const first = recipients[0];
  const recipientKey = first ? await ctx.vault.fingerprint(order.merchantId, `recipient\u0000${first.account}`) : null;
  const mine = eq(orders.merchantId, order.merchantId);
  const paidSince = and(mine, isNotNull(orders.paidAt), gte(orders.paidAt, since));
  const countOrders = async (filter: ReturnType<typeof eq>) =>
    (await ctx.db.select({ n: count() }).from(orders).where(and(paidSince, filter)).get())?.n ?? 0;
  const distinctEmails = async (filter: ReturnType<typeof eq>) =>
    (
      await ctx.db
        .select({ n: countDistinct(orders.email) })
        .from(orders)
        .where(and(mine, gte(orders.createdAt, since), filter))
        .get()
    )?.n ?? 0;
  const [email, ip, device, fingerprint, recipient, emailsOnDevice, emailsOnIp, previous, lists] = await Promise.all([
    countOrders(eq(orders.email, order.email)),
    order.clientIp ? countOrders(eq(orders.clientIp, order.clientIp)) : null,
    order.deviceId ? countOrders(eq(orders.deviceId, order.deviceId)) : null,
    card.fingerprint
      ? ctx.db
          .select({ n: count() })
          .from(payments)
          .where(
            and(
              eq(payments.merchantId, order.merchantId),
              eq(payments.fingerprint, card.fingerprint),
              inArray(payments.status, ["succeeded", "refunded"]),
              gte(payments.updatedAt, since),
            ),
          )
          .get()
          .then((row) => row?.n ?? 0)
      : null,
    recipientKey
      ? ctx.db
          .select({ n: count() })
          .from(riskAssessments)
          .where(
            and(
              eq(riskAssessments.merchantId, order.merchantId),
              eq(riskAssessments.recipientKey, recipientKey),
              gte(riskAssessments.createdAt, since),
            ),
          )
          .get()
          .then((row) => (row?.n ?? 0) + 1)
      : null,
    order.deviceId ? distinctEmails(eq(orders.deviceId, order.deviceId)) : null,
    order.clientIp ? distinctEmails(eq(orders.clientIp, order.clientIp)) : null,
    ctx.db
      .select({ n: count() })
      .from(orders)
      .where(
        and(
          mine,
          eq(orders.email, order.email),
          ne(orders.id, order.id),
          isNotNull(orders.paidAt),
          lt(orders.paidAt, order.paidAt ?? Date.now()),
        ),
      )
      .get()
      .then((row) => row?.n ?? 0),
    listHitsFor(ctx, order.merchantId, subjectOf(order, card, recipients)),
  ]);
  return {
    facts: {
      amount: order.totalAmount,
      ipCountry: order.clientCountry,
      cardCountry: card.country,
      recipientCountries: recipients.flatMap((r) => (r.country ? [r.country] : [])),
      velocity: { email, ip, device, fingerprint, recipient },
      emailsOnDevice,
      emailsOnIp,
      previousOrders: previous,
      lists,
    },
    recipientKey,
  };
}
