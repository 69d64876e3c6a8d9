import {
  type ChannelEventRow,
  type ChannelWebhookRow,
  channelEventStatement,
  claimOverdueDeliveries,
  deliveryCounts,
  deliveryStatements,
  findChannelEvent,
  findDeliveryToSend,
  findOrder,
  findWebhook,
  listActiveWebhooks,
  listDeliveriesPage,
  recordDeliveryAttempt,
  removeWebhookStatement,
  runAtomic,
  unpublishedOutcomes,
  webhookStatement,
} from "@tessera/db";
import { type ChannelEventType, newId, randomToken, webhookDeliveryStep } from "@tessera/domain";
import { SIGNATURE_HEADER, signPayload } from "@tessera/payments";
import { checkEndpoint } from "@tessera/suppliers";
import type { ChannelCaller, ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { backoffSeconds } from "../../queues/backoff";
import { orderView } from "../order-views";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const secretContext = (row: Pick<ChannelWebhookRow, "merchantId" | "id">) =>
  `channel-webhook:${row.merchantId}:${row.id}`;

/** Endpoints a reseller may register at once. */
export const MAX_WEBHOOKS = 5;
/** How long one attempt may take before it counts as failed. */
const ATTEMPT_TIMEOUT_MS = 10_000;

function webhookPolicy(ctx: ServiceContext) {
  return { allowPrivateNetwork: ctx.config.webhookPrivateNetwork };
}

const webhookView = (row: ChannelWebhookRow) => ({
  id: row.id,
  url: row.url,
  status: row.status,
  createdAt: iso(row.createdAt) as string,
});

/**
 * Registers a reseller's endpoint for its order outcomes. The URL must be plain https to a
 * public host (the same outbound rules as supplier calls); the signing secret is shown once and
 * kept sealed by the vault, since every delivery needs it to sign.
 */
export async function registerWebhook(ctx: ServiceContext, caller: ChannelCaller, input: { url: string }) {
  const target = checkEndpoint(input.url, webhookPolicy(ctx));
  if (!target.ok) {
    throw new ApiError("validation_failed", "The endpoint is not allowed", {
      errors: [{ path: "url", message: target.reason }],
    });
  }
  if ((await listActiveWebhooks(ctx.db, caller.merchantId, caller.channelId)).length >= MAX_WEBHOOKS) {
    throw new ApiError("conflict", `At most ${MAX_WEBHOOKS} endpoints; remove one first`);
  }
  const now = Date.now();
  const id = newId("webhookEndpoint", now);
  const secret = `whsec_${randomToken(32)}`;
  const row = {
    id,
    channelId: caller.channelId,
    url: target.url.toString(),
    secretCiphertext: await ctx.vault.encrypt(secret, secretContext({ merchantId: caller.merchantId, id })),
    status: "active" as const,
    createdAt: now,
    updatedAt: now,
  };
  await webhookStatement(ctx.db, caller.merchantId, row);
  return { ...webhookView({ ...row, merchantId: caller.merchantId }), secret };
}

export async function webhooksOf(ctx: ServiceContext, merchantId: string, channelId: string) {
  const rows = await listActiveWebhooks(ctx.db, merchantId, channelId);
  const counts = await deliveryCounts(
    ctx.db,
    merchantId,
    rows.map((row) => row.id),
  );
  return {
    data: rows.map((row) => {
      const count = (status: string) =>
        counts.find((entry) => entry.webhookId === row.id && entry.status === status)?.count ?? 0;
      return {
        ...webhookView(row),
        deliveries: { pending: count("pending"), succeeded: count("succeeded"), failed: count("failed") },
      };
    }),
  };
}

/** Stops sending to an endpoint; deliveries still pending for it are given up. Removing again changes nothing. */
export async function removeWebhook(ctx: ServiceContext, caller: ChannelCaller, webhookId: string) {
  const row = await findWebhook(ctx.db, caller.merchantId, caller.channelId, webhookId);
  if (row?.status !== "active") throw new ApiError("not_found", "No such webhook endpoint");
  await removeWebhookStatement(ctx.db, caller.merchantId, webhookId, Date.now());
}

export async function deliveriesOf(
  ctx: ServiceContext,
  merchantId: string,
  channelId: string,
  options: { limit: number; cursor?: string | undefined },
) {
  const page = await listDeliveriesPage(ctx.db, merchantId, channelId, options);
  return {
    data: page.data.map(({ delivery, event, url }) => ({
      id: delivery.id,
      webhookId: delivery.webhookId,
      url,
      eventId: event.id,
      eventType: event.type,
      orderId: event.orderId,
      status: delivery.status,
      attempts: delivery.attempts,
      lastStatusCode: delivery.lastStatusCode,
      lastError: delivery.lastError,
      nextAttemptAt: delivery.status === "pending" ? iso(delivery.nextAttemptAt) : null,
      deliveredAt: iso(delivery.deliveredAt),
      createdAt: iso(delivery.createdAt) as string,
    })),
    nextCursor: page.nextCursor,
  };
}

/** The body every attempt of an event sends, byte for byte: fixed when the event is made. */
function eventBody(id: string, type: ChannelEventType, at: number, order: ReturnType<typeof orderView>): string {
  const { email: _email, payment: _payment, ...shown } = order;
  return JSON.stringify({ id, type, createdAt: iso(at), data: { order: shown } });
}

/**
 * Tells a reseller's endpoints how its order ended (delivered, refunded). The event is made once
 * per order and type, each endpoint gets one delivery of it, and only deliveries this call made
 * are queued: a repeat (the refund path running again, the sweep) sends nothing twice. Shop
 * orders cost nothing; orders of channels without endpoints one read.
 */
export async function publishOrderOutcome(
  ctx: ServiceContext,
  row: { id: string; merchantId: string; channelId: string | null },
  type: ChannelEventType,
) {
  if (!row.channelId) return;
  const orderId = row.id;
  const hooks = await listActiveWebhooks(ctx.db, row.merchantId, row.channelId);
  if (hooks.length === 0) return;
  const found = await findOrder(ctx.db, row.merchantId, orderId);
  if (!found) return;
  const now = Date.now();
  const id = newId("event", now);
  await channelEventStatement(ctx.db, row.merchantId, {
    id,
    channelId: row.channelId,
    orderId,
    type,
    body: eventBody(id, type, now, orderView(found.order, found.items, found.payment, null)),
    createdAt: now,
  });
  const event = (await findChannelEvent(ctx.db, orderId, type)) as ChannelEventRow;
  const [first, ...rest] = deliveryStatements(
    ctx.db,
    row.merchantId,
    hooks.map((hook) => ({
      id: newId("webhookDelivery", now),
      channelId: row.channelId as string,
      webhookId: hook.id,
      eventId: event.id,
      status: "pending" as const,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    })),
  );
  if (!first) return;
  const made = (await runAtomic(ctx.db, [first, ...rest])).flat();
  if (made.length > 0) {
    await ctx.env.CHANNEL_WEBHOOKS.sendBatch(
      made.map((delivery) => ({ body: { deliveryId: delivery.id }, contentType: "json" as const })),
    );
  }
}

export type AttemptOutcome = { done: true } | { done: false; retryInSeconds: number };

/**
 * One attempt of a delivery: POSTs the event's stored body, signed like our payment webhooks
 * (`Tessera-Signature: t=…,v1=<HMAC-SHA256 of "t.body">` with the endpoint's secret), never
 * following a redirect. A 2xx ends it; anything else is retried with backoff until the
 * domain's attempt limit, then it is marked failed. A delivery already finished is not sent again.
 */
export async function attemptDelivery(ctx: ServiceContext, deliveryId: string): Promise<AttemptOutcome> {
  const found = await findDeliveryToSend(ctx.db, deliveryId);
  if (found?.delivery.status !== "pending") return { done: true };
  const { delivery, event, webhook } = found;
  const now = Date.now();
  const attempts = delivery.attempts + 1;
  const giveUp = (lastError: string) =>
    recordDeliveryAttempt(
      ctx.db,
      deliveryId,
      { status: "failed", attempts, lastStatusCode: null, lastError, nextAttemptAt: null, deliveredAt: null },
      now,
    );
  if (webhook.status !== "active") {
    await giveUp("the endpoint was removed");
    return { done: true };
  }
  const target = checkEndpoint(webhook.url, webhookPolicy(ctx));
  if (!target.ok) {
    await giveUp(target.reason);
    return { done: true };
  }
  const secret = await ctx.vault.decrypt(webhook.secretCiphertext, secretContext(webhook));
  let statusCode: number | null = null;
  let lastError: string | null = null;
  try {
    const response = await fetch(target.url.toString(), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Tessera-Webhooks/1",
        [SIGNATURE_HEADER]: await signPayload(secret, event.body, Math.floor(now / 1000)),
        "tessera-event-id": event.id,
        "tessera-event-type": event.type,
      },
      body: event.body,
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    statusCode = response.status;
    await response.body?.cancel();
    if (statusCode < 200 || statusCode >= 300) lastError = `answered ${statusCode}`;
  } catch (error) {
    lastError = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : "request failed";
  }
  const step = webhookDeliveryStep(attempts, lastError === null);
  if (step !== "retry") {
    await recordDeliveryAttempt(
      ctx.db,
      deliveryId,
      {
        status: step,
        attempts,
        lastStatusCode: statusCode,
        lastError,
        nextAttemptAt: null,
        deliveredAt: step === "succeeded" ? now : null,
      },
      now,
    );
    return { done: true };
  }
  const retryInSeconds = backoffSeconds(attempts);
  await recordDeliveryAttempt(
    ctx.db,
    deliveryId,
    {
      status: "pending",
      attempts,
      lastStatusCode: statusCode,
      lastError,
      nextAttemptAt: now + retryInSeconds * 1000,
      deliveredAt: null,
    },
    now,
  );
  return { done: false, retryInSeconds };
}

const SWEEP_GRACE_MS = 5 * 60_000;
const SWEEP_BATCH = 100;

/**
 * The safety net under the queue: deliveries whose next attempt is long overdue (their message
 * was lost) are queued again, and delivered or refunded reseller orders whose outcome was never
 * published (the invocation died between the two) are published now.
 */
export async function sweepChannelWebhooks(ctx: ServiceContext, now: number) {
  const overdue = await claimOverdueDeliveries(ctx.db, now - SWEEP_GRACE_MS, now, SWEEP_BATCH);
  if (overdue.length > 0) {
    await ctx.env.CHANNEL_WEBHOOKS.sendBatch(
      overdue.map(({ id }) => ({ body: { deliveryId: id }, contentType: "json" as const })),
    );
  }
  const unpublished = await unpublishedOutcomes(ctx.db, now - 86_400_000, now - SWEEP_GRACE_MS, SWEEP_BATCH);
  for (const order of unpublished) {
    await publishOrderOutcome(ctx, order, order.status === "fulfilled" ? "order.fulfilled" : "order.refunded");
  }
  return { requeued: overdue.length, published: unpublished.length };
}
