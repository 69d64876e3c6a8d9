import {
  attemptsOfItem,
  attemptsOfOrder,
  bindingsOfSku,
  claimSupplierOrder,
  findSupplier,
  findSupplierOrder,
  moveSupplierOrder,
  moveSupplierOrderStatement,
  type NewDelivery,
  OPEN_SUPPLIER_ORDER,
  runAtomic,
  type SupplierOrderRow,
  type SupplierOrderStatus,
  type SupplierRow,
  settlementStatement,
} from "@tessera/db";
import { orderItems, type orders } from "@tessera/db/schema";
import { newId } from "@tessera/domain";
import {
  RESULT_CODES,
  SupplierRejection,
  SupplierTransportError,
  type UpstreamCard,
  type UpstreamOrder,
} from "@tessera/suppliers";
import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { CircuitOpenError, guarded } from "./breaker";
import { adapterFor, notifyUrlOf } from "./registry";

type OrderRow = typeof orders.$inferSelect;
type ItemRow = typeof orderItems.$inferSelect;

/** What sourcing an order line from suppliers came to. */
export type Sourcing =
  | { state: "ready"; rows: NewDelivery[] }
  | { state: "pending" }
  | { state: "failed"; reason: string };

export interface Applied {
  status: SupplierOrderStatus;
  /** True when this report changed the order (false for a duplicate, a stale or a conflicting one). */
  moved: boolean;
  row: SupplierOrderRow;
}

const TERMINAL: SupplierOrderStatus[] = ["succeeded", "failed"];
/** An unanswered order is given up (and the line fails over) after this many polls (~20 minutes). */
export const MAX_UNANSWERED_POLLS = 10;
/** A claimed order that never left (its invocation died before sending) is failed after this. */
const NEVER_SENT_MS = 2 * 60_000;

export const isTerminal = (status: SupplierOrderStatus) => TERMINAL.includes(status);
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Poll backoff: 2 s, 4 s, 8 s … capped at 5 minutes. */
export const pollDelaySeconds = (polls: number) => Math.min(300, 2 ** (polls + 1));

const cardsContext = (row: Pick<SupplierOrderRow, "merchantId" | "id">) => `supplier-order:${row.merchantId}:${row.id}`;
/** The vault context of a top-up recipient: sealed by checkout, opened only to place the top-up. */
export const recipientContext = (merchantId: string, orderId: string) => `recipient:${merchantId}:${orderId}`;

export async function openCards(ctx: ServiceContext, row: SupplierOrderRow): Promise<UpstreamCard[]> {
  if (!row.cardsCiphertext) return [];
  return JSON.parse(await ctx.vault.decrypt(row.cardsCiphertext, cardsContext(row))) as UpstreamCard[];
}

/** Asks the supplier about an order again after a backoff, by queue message (and by the cron sweep, should that be lost). */
async function schedulePoll(ctx: ServiceContext, row: SupplierOrderRow, polls: number): Promise<void> {
  const delay = pollDelaySeconds(polls);
  const now = Date.now();
  await moveSupplierOrder(ctx.db, row.id, OPEN_SUPPLIER_ORDER, { polls, nextPollAt: now + delay * 1000 });
  await ctx.env.SUPPLIER.send({ type: "poll", supplierOrderId: row.id }, { contentType: "json", delaySeconds: delay });
}

async function fail(ctx: ServiceContext, row: SupplierOrderRow, reason: string, from = OPEN_SUPPLIER_ORDER) {
  const now = Date.now();
  const moved = await moveSupplierOrder(ctx.db, row.id, from, {
    status: "failed",
    failReason: reason,
    finishedAt: now,
    updatedAt: now,
    nextPollAt: null,
  });
  const current = (await findSupplierOrder(ctx.db, row.id)) ?? row;
  return { status: current.status, moved, row: current } satisfies Applied;
}

/**
 * Applies what the supplier reported about an order, from its answer, a poll or a verified
 * callback. Each move is guarded by the statuses it may leave, so duplicates, stale reports
 * and reports racing each other change the order once; a finished order never changes again
 * (a conflicting report is logged, and reconciliation lists it). A success writes the debit
 * of what the supplier charged in the same batch.
 */
export async function applyUpstreamResult(
  ctx: ServiceContext,
  row: SupplierOrderRow,
  result: UpstreamOrder,
): Promise<Applied> {
  const now = Date.now();
  const reread = async (moved: boolean): Promise<Applied> => {
    const current = (await findSupplierOrder(ctx.db, row.id)) ?? row;
    return { status: current.status, moved, row: current };
  };
  if (result.amount.currency !== row.currency) {
    ctx.log.error("supplier reports another currency", { supplierOrderId: row.id });
  }
  if (result.status === "processing") {
    const moved = await moveSupplierOrder(
      ctx.db,
      row.id,
      ["pending", "unknown", "processing"],
      { status: "processing", upstreamOrderNo: result.orderNo, upstreamVersion: result.version, updatedAt: now },
      { olderThanVersion: result.version },
    );
    // The callback may never come: keep asking, with backoff, until the order finishes.
    if (moved && row.status !== "processing") await schedulePoll(ctx, row, 0);
    return reread(moved);
  }
  if (result.status === "success") {
    if (row.method === "purchase" && result.cards.length !== row.quantity) {
      ctx.log.error("supplier reports success without the cards bought", { supplierOrderId: row.id });
      return reread(false);
    }
    const cardsCiphertext =
      result.cards.length > 0 ? await ctx.vault.encrypt(JSON.stringify(result.cards), cardsContext(row)) : null;
    const [moved] = await runAtomic(ctx.db, [
      moveSupplierOrderStatement(ctx.db, row.id, OPEN_SUPPLIER_ORDER, {
        status: "succeeded",
        upstreamOrderNo: result.orderNo,
        upstreamVersion: result.version,
        chargedAmount: result.amount.amount,
        serialNo: result.serialNo,
        cardsCiphertext,
        finishedAt: now,
        updatedAt: now,
        nextPollAt: null,
      }),
      settlementStatement(ctx.db, {
        id: newId("supplierSettlement", now),
        supplierOrderId: row.id,
        amount: result.amount.amount,
        createdAt: now,
      }),
    ]);
    const applied = await reread(moved.length > 0);
    if (!applied.moved && applied.status === "failed") {
      ctx.log.error("supplier reports success for an order given up", { supplierOrderId: row.id });
    }
    return applied;
  }
  const moved = await moveSupplierOrder(ctx.db, row.id, OPEN_SUPPLIER_ORDER, {
    status: "failed",
    failReason: result.failReason ?? "failed_upstream",
    upstreamOrderNo: result.orderNo,
    upstreamVersion: result.version,
    finishedAt: now,
    updatedAt: now,
    nextPollAt: null,
  });
  const applied = await reread(moved);
  if (!applied.moved && applied.status === "succeeded") {
    ctx.log.error("supplier reports failure for a delivered order", { supplierOrderId: row.id });
  }
  return applied;
}

/**
 * Sends an order to its supplier. The order is marked `unknown` before the request leaves, so
 * a crash or a timeout leaves an order to ask about, never one to forget; asking again uses
 * the same order number, so the supplier can never take it twice. A refusal by the circuit
 * breaker sends nothing, so an order never sent can fail over at once.
 */
export async function dispatch(ctx: ServiceContext, row: SupplierOrderRow): Promise<Applied> {
  const supplier = await findSupplier(ctx.db, row.supplierId);
  if (supplier?.status !== "approved") return fail(ctx, row, "supplier_not_approved", ["pending"]);
  const adapter = await adapterFor(ctx, supplier);
  const notifyUrl = notifyUrlOf(ctx, supplier.id);
  const request = {
    merchantOrderNo: row.id,
    productId: row.upstreamProductId,
    quantity: row.quantity,
    ...(notifyUrl ? { notifyUrl } : {}),
  };
  const account = row.method === "topup" ? await recipientOf(ctx, row) : null;
  try {
    const result = await guarded(ctx, supplier, async () => {
      const now = Date.now();
      await moveSupplierOrder(ctx.db, row.id, ["pending", "unknown"], {
        status: "unknown",
        updatedAt: now,
        nextPollAt: now + supplier.timeoutMs + 60_000,
      });
      return account ? adapter.topUp({ ...request, account }) : adapter.purchaseCards(request);
    });
    if (result.merchantOrderNo !== row.id) {
      throw new SupplierTransportError("malformed", "the answer is about another order");
    }
    return await applyUpstreamResult(ctx, row, result);
  } catch (error) {
    if (error instanceof CircuitOpenError) {
      if (row.status === "pending") return fail(ctx, row, "circuit_open", ["pending"]);
      await schedulePoll(ctx, row, row.polls);
      return { status: row.status, moved: false, row };
    }
    if (error instanceof SupplierRejection) {
      ctx.log.info("supplier refused an order", { supplierOrderId: row.id, reason: error.code });
      return fail(ctx, row, error.code);
    }
    ctx.log.warn("supplier call failed; will ask again", {
      supplierOrderId: row.id,
      failure: error instanceof SupplierTransportError ? error.failure : String(error),
    });
    await schedulePoll(ctx, row, row.polls);
    const current = (await findSupplierOrder(ctx.db, row.id)) ?? row;
    return { status: current.status, moved: false, row: current };
  }
}

async function recipientOf(ctx: ServiceContext, row: SupplierOrderRow): Promise<Record<string, string>> {
  const item = row.itemId
    ? await ctx.db
        .select({ recipient: orderItems.recipientCiphertext })
        .from(orderItems)
        .where(eq(orderItems.id, row.itemId))
        .get()
    : undefined;
  if (!item?.recipient || !row.orderId) throw new Error(`top-up ${row.id} has no recipient`);
  return JSON.parse(await ctx.vault.decrypt(item.recipient, recipientContext(row.merchantId, row.orderId)));
}

/**
 * Asks the supplier where an open order stands (the poll behind every callback). An order the
 * supplier never received is sent again under the same number; one that stays unanswered is
 * given up after MAX_UNANSWERED_POLLS, so its line can fail over (reconciliation lists it should
 * the supplier have taken it after all). An order the supplier accepted is never given up.
 */
export async function pollSupplierOrder(ctx: ServiceContext, supplierOrderId: string): Promise<Applied | null> {
  const row = await findSupplierOrder(ctx.db, supplierOrderId);
  if (!row) return null;
  if (isTerminal(row.status)) return { status: row.status, moved: false, row };
  if (row.status === "pending") {
    if (row.updatedAt < Date.now() - NEVER_SENT_MS) return fail(ctx, row, "never_sent", ["pending"]);
    return { status: row.status, moved: false, row };
  }
  const supplier = await findSupplier(ctx.db, row.supplierId);
  if (!supplier) return fail(ctx, row, "supplier_removed");
  const adapter = await adapterFor(ctx, supplier);
  try {
    const result = await guarded(ctx, supplier, () => adapter.orderStatus(row.id));
    const applied = await applyUpstreamResult(ctx, row, result);
    if (!isTerminal(applied.status)) await schedulePoll(ctx, applied.row, row.polls + 1);
    return applied;
  } catch (error) {
    if (error instanceof SupplierRejection && error.code === RESULT_CODES.ORDER_NOT_FOUND && row.status === "unknown") {
      ctx.log.info("supplier never received an order; sending it again", { supplierOrderId: row.id });
      return dispatch(ctx, row);
    }
    if (row.status === "unknown" && row.polls + 1 >= MAX_UNANSWERED_POLLS) {
      return fail(ctx, row, "unconfirmed", ["unknown"]);
    }
    await schedulePoll(ctx, row, row.polls + 1);
    return { status: row.status, moved: false, row };
  }
}

/** The SKU's approved suppliers in priority order. */
async function candidatesFor(ctx: ServiceContext, merchantId: string, skuId: string) {
  return (await bindingsOfSku(ctx.db, merchantId, skuId)).filter(({ supplier }) => supplier.status === "approved");
}

/** The lines of an order that were sent to a supplier at least once. */
export async function itemsSentUpstream(ctx: ServiceContext, orderId: string): Promise<Set<string>> {
  return new Set((await attemptsOfOrder(ctx.db, orderId)).map((attempt) => attempt.itemId ?? ""));
}

/** True when the SKU has a supplier to buy from. */
export async function hasSuppliers(ctx: ServiceContext, merchantId: string, skuId: string): Promise<boolean> {
  return (await candidatesFor(ctx, merchantId, skuId)).length > 0;
}

/**
 * Sources one paid order line from the SKU's suppliers: a direct top-up, or card secrets the
 * merchant does not hold. Idempotent and safe to run concurrently (the fulfilment after the
 * payment, its queue retry, a callback): each attempt has a unique (line, attempt) seat, so
 * only one run places it. The primary goes first; a supplier that refuses, fails or whose
 * circuit is open hands over to the next backup. `failed` means every supplier failed.
 */
export async function sourceLine(ctx: ServiceContext, order: OrderRow, item: ItemRow): Promise<Sourcing> {
  const attempts = await attemptsOfItem(ctx.db, item.id);
  const succeeded = attempts.find((attempt) => attempt.status === "succeeded");
  if (succeeded) return { state: "ready", rows: await deliverables(ctx, order, item, succeeded) };
  if (attempts.some((attempt) => OPEN_SUPPLIER_ORDER.includes(attempt.status))) return { state: "pending" };

  const tried = new Set(attempts.map((attempt) => attempt.supplierId));
  let attempt = attempts.length;
  for (const { binding, supplier } of await candidatesFor(ctx, order.merchantId, item.skuId)) {
    if (tried.has(supplier.id)) continue;
    const row = await claim(ctx, order, item, binding, supplier, attempt++);
    if (!row) return { state: "pending" };
    const applied = await dispatch(ctx, row);
    if (applied.status === "succeeded") {
      return { state: "ready", rows: await deliverables(ctx, order, item, applied.row) };
    }
    if (applied.status !== "failed") return { state: "pending" };
    ctx.log.info("supplier failed; trying the next one", {
      orderId: order.id,
      supplierId: supplier.id,
      reason: applied.row.failReason,
    });
  }
  return { state: "failed", reason: attempt > 0 ? "every_supplier_failed" : "no_supplier" };
}

function claim(
  ctx: ServiceContext,
  order: OrderRow,
  item: ItemRow,
  binding: { upstreamProductId: string; costAmount: number },
  supplier: SupplierRow,
  attempt: number,
) {
  const now = Date.now();
  return claimSupplierOrder(ctx.db, {
    id: newId("supplierOrder", now),
    merchantId: order.merchantId,
    supplierId: supplier.id,
    skuId: item.skuId,
    orderId: order.id,
    itemId: item.id,
    purpose: "order",
    method: item.kind === "direct_recharge" ? "topup" : "purchase",
    attempt,
    upstreamProductId: binding.upstreamProductId,
    quantity: item.quantity,
    costAmount: binding.costAmount * item.quantity,
    currency: item.currency,
    status: "pending",
    day: dayOf(now),
    createdAt: now,
    updatedAt: now,
    nextPollAt: now + NEVER_SENT_MS,
  });
}

/**
 * What the buyer receives from a succeeded upstream order: the cards bought, or for a top-up
 * its receipt (the carrier's serial number), sealed like any delivered code.
 */
async function deliverables(
  ctx: ServiceContext,
  order: OrderRow,
  item: ItemRow,
  row: SupplierOrderRow,
): Promise<NewDelivery[]> {
  const now = Date.now();
  const context = `unit:${order.merchantId}:${item.skuId}`;
  if (row.method === "topup") {
    const receipt = row.serialNo ?? row.upstreamOrderNo ?? row.id;
    return [
      {
        id: newId("delivery", now),
        orderId: order.id,
        itemId: item.id,
        skuId: item.skuId,
        seq: 0,
        codeCiphertext: await ctx.vault.encrypt(receipt, context),
        secretCiphertext: null,
        createdAt: now,
      },
    ];
  }
  const cards = await openCards(ctx, row);
  return Promise.all(
    cards.map(async (card, seq) => ({
      id: newId("delivery", now),
      orderId: order.id,
      itemId: item.id,
      skuId: item.skuId,
      seq,
      codeCiphertext: await ctx.vault.encrypt(card.cardNo, context),
      secretCiphertext: card.cardSecret === null ? null : await ctx.vault.encrypt(card.cardSecret, context),
      createdAt: now,
    })),
  );
}
