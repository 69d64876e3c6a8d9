import { claimRefundStatement, guardedAuditStatement, isGuardRefusal, runAtomic, toPage } from "@tessera/db";
import { orderItems, orders, payments, riskAssessments, riskDecisions } from "@tessera/db/schema";
import { newId } from "@tessera/domain";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { type AdminCaller, actorOf, type ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { auditEntry } from "../audit";
import { fulfillOrder } from "../fulfillment";
import { completeRefund } from "../refunds";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Held orders, newest first, each with its score and the contributions that put it there (none
 * yet while the `risk` queue has not scored it) and the signals a reviewer weighs.
 */
export async function listReviewQueue(
  ctx: ServiceContext,
  merchantId: string,
  options: { limit: number; cursor?: string | undefined },
) {
  const filters = [eq(orders.merchantId, merchantId), eq(orders.status, "on_hold")];
  if (options.cursor) filters.push(lt(orders.id, options.cursor));
  const rows = await ctx.db
    .select({ order: orders, assessment: riskAssessments, cardCountry: payments.cardCountry })
    .from(orders)
    .leftJoin(riskAssessments, eq(riskAssessments.orderId, orders.id))
    .leftJoin(payments, eq(payments.orderId, orders.id))
    .where(and(...filters))
    .orderBy(desc(orders.id))
    .limit(options.limit + 1)
    .all();
  const ids = rows.map((row) => row.order.id);
  const lines =
    ids.length === 0
      ? []
      : await ctx.db
          .select({ orderId: orderItems.orderId, productName: orderItems.productName, quantity: orderItems.quantity })
          .from(orderItems)
          .where(and(eq(orderItems.merchantId, merchantId), inArray(orderItems.orderId, ids)))
          .all();
  return toPage(
    rows,
    options.limit,
    (row) => row.order.id,
    ({ order, assessment, cardCountry }) => ({
      orderId: order.id,
      email: order.email,
      total: { amount: order.totalAmount, currency: order.currency },
      items: lines
        .filter((line) => line.orderId === order.id)
        .map(({ productName, quantity }) => ({ productName, quantity })),
      stage: order.statusReason === "risk_review" ? ("review" as const) : ("scoring" as const),
      score: assessment?.score ?? null,
      decision: assessment?.decision ?? null,
      contributions: assessment?.contributions ?? [],
      signals: { ip: order.clientIp, ipCountry: order.clientCountry, deviceId: order.deviceId, cardCountry },
      createdAt: iso(order.createdAt),
      paidAt: iso(order.paidAt),
    }),
  );
}

async function heldOrder(ctx: ServiceContext, merchantId: string, orderId: string) {
  const order = await ctx.db
    .select({ status: orders.status })
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.merchantId, merchantId)))
    .get();
  if (!order) throw new ApiError("not_found", "No such order");
  if (order.status !== "on_hold") throw new ApiError("conflict", "The order is not held for review");
  const assessment = await ctx.db
    .select({ decision: riskAssessments.decision })
    .from(riskAssessments)
    .where(eq(riskAssessments.orderId, orderId))
    .get();
  return { overruled: assessment?.decision ?? null };
}

/**
 * A person's decision on a held order: its move out of `on_hold`, the audit entry and the
 * decision log row are one batch, guarded by the order still being held, so of two concurrent
 * decisions (approve and approve, or approve and reject) exactly one wins and the other is 409.
 */
async function decideHeld(
  ctx: ServiceContext,
  caller: AdminCaller,
  orderId: string,
  action: "approve" | "reject",
  note: string | null,
) {
  const { overruled } = await heldOrder(ctx, caller.merchantId, orderId);
  const now = Date.now();
  const held = sql`EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.id} = ${orderId} AND ${orders.merchantId} = ${caller.merchantId} AND ${orders.status} = 'on_hold')`;
  const move =
    action === "approve"
      ? ctx.db
          .update(orders)
          .set({ status: "paid", statusReason: null, updatedAt: now })
          .where(and(eq(orders.id, orderId), eq(orders.merchantId, caller.merchantId), eq(orders.status, "on_hold")))
      : claimRefundStatement(ctx.db, caller.merchantId, orderId, {
          reason: "risk_rejected",
          at: now,
          from: ["on_hold"],
        });
  try {
    await runAtomic(ctx.db, [
      guardedAuditStatement(
        ctx.db,
        caller.merchantId,
        auditEntry(
          caller,
          `risk.order_${action === "approve" ? "approved" : "rejected"}`,
          orderId,
          { overruled, note },
          now,
        ),
        held,
      ),
      ctx.db.insert(riskDecisions).values({
        id: newId("riskDecision", now),
        merchantId: caller.merchantId,
        orderId,
        action,
        actor: actorOf(caller),
        overruled,
        note,
        createdAt: now,
      }),
      move,
    ]);
  } catch (error) {
    if (isGuardRefusal(error)) throw new ApiError("conflict", "The order is not held for review");
    throw error;
  }
  ctx.log.info(`held order ${action}d`, { orderId, overruled });
}

/** Approves a held order: it becomes `paid` and is fulfilled now, with the queue as its retry path. */
export async function approveHeldOrder(ctx: ServiceContext, caller: AdminCaller, orderId: string, note: string | null) {
  await decideHeld(ctx, caller, orderId, "approve", note);
  await ctx.env.FULFILLMENT.send({ orderId }, { contentType: "json", delaySeconds: 10 });
  await fulfillOrder(ctx, orderId);
}

/** Rejects a held order: it is refunded (its units go back, the money once, through the provider). */
export async function rejectHeldOrder(ctx: ServiceContext, caller: AdminCaller, orderId: string, reason: string) {
  await decideHeld(ctx, caller, orderId, "reject", reason);
  await completeRefund(ctx, orderId);
}

export async function listDecisions(
  ctx: ServiceContext,
  merchantId: string,
  options: { orderId?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const filters = [eq(riskDecisions.merchantId, merchantId)];
  if (options.orderId) filters.push(eq(riskDecisions.orderId, options.orderId));
  if (options.cursor) filters.push(lt(riskDecisions.id, options.cursor));
  const rows = await ctx.db
    .select({ decision: riskDecisions, score: riskAssessments.score })
    .from(riskDecisions)
    .leftJoin(riskAssessments, eq(riskAssessments.orderId, riskDecisions.orderId))
    .where(and(...filters))
    .orderBy(desc(riskDecisions.id))
    .limit(options.limit + 1)
    .all();
  return toPage(
    rows,
    options.limit,
    (row) => row.decision.id,
    ({ decision, score }) => ({
      id: decision.id,
      orderId: decision.orderId,
      action: decision.action,
      actor: decision.actor,
      automatic: decision.actor === "system",
      overruled: decision.overruled,
      note: decision.note,
      score: score ?? null,
      createdAt: iso(decision.createdAt),
    }),
  );
}
