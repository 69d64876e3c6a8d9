import { insertDeliveries, type NewDelivery } from "@tessera/db";
import { deliveries, orderItems, orders } from "@tessera/db/schema";
import { type CodePolicy, generateVoucherCode, isMintedKind, newId, normalizeCode } from "@tessera/domain";
import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../context";
import type { StockUnit } from "../objects/stock-keeper";
import { linesBySku, shareUnits } from "./bundles";
import { reclaimChannelQuota } from "./channels/quotas";
import { publishOrderOutcome } from "./channels/webhooks";
import { codeLedgerOf } from "./code-ledgers";
import { commitSaleItem } from "./flash-sales";
import { completeRefund, refundUndeliverable } from "./refunds";
import { isStocked, stockKeeper } from "./stock";
import { startSubscriptions } from "./subscriptions/start";
import { hasSuppliers, itemsSentUpstream, sourceLine } from "./suppliers/upstream";

type ItemRow = typeof orderItems.$inferSelect;
type OrderRow = typeof orders.$inferSelect;

export type FulfilmentResult = { status: OrderRow["status"] | "missing" };

/**
 * Delivers a paid order, exactly once however often it runs (inline after the payment
 * webhook, then again from the queue, or twice at the same time):
 *  1. every card-secret line commits its reservation; the StockKeeper returns the same units
 *     on a repeat. If any line cannot be served (a late payment found no stock), the order is
 *     refunded and its units go back.
 *  2. deliveries are inserted under a unique (item, seq) key: a repeat inserts nothing, and of
 *     two racing voucher mints only the first code per seat survives;
 *  3. each surviving voucher arms its CodeLedger (idempotent, same policy and issue time);
 *  4. the order moves paid → fulfilled, guarded by its status.
 * Direct top-ups, and card lines the merchant cannot serve from stock, are sourced from the
 * SKU's suppliers (with failover); while one is in flight the order stays `paid`, and the
 * supplier's callback or a poll runs this again. If every supplier failed, it is refunded.
 */
export async function fulfillOrder(ctx: ServiceContext, orderId: string): Promise<FulfilmentResult> {
  const order = await ctx.db.select().from(orders).where(eq(orders.id, orderId)).get();
  if (!order) return { status: "missing" };
  if (order.status !== "paid") return { status: order.status };
  // A payment that revived a lapsed order finds its channel's quota sold since: it is refunded.
  if (!(await reclaimChannelQuota(ctx, orderId))) {
    await refundUndeliverable(ctx, orderId, "quota_exceeded");
    return { status: "refunded" };
  }
  const items = await ctx.db.select().from(orderItems).where(eq(orderItems.orderId, orderId)).all();

  const committed = new Map<string, StockUnit[]>();
  const upstream = items.filter((line) => line.kind === "direct_recharge");
  // Only an order with card lines can have one that went to a supplier instead of stock.
  const sentUpstream = items.some((line) => line.kind === "card_secret")
    ? await itemsSentUpstream(ctx, orderId)
    : new Set<string>();
  // A line bought in a flash sale commits in the sale's shard (a voucher's slot, before minting).
  for (const item of items) {
    if (item.flashSaleId === null) continue;
    const result = await commitSaleItem(ctx, orderId, { ...item, flashSaleId: item.flashSaleId });
    if (!result.ok) {
      await refundUndeliverable(ctx, orderId, "insufficient_stock");
      return { status: "refunded" };
    }
    committed.set(item.id, result.units);
  }
  const cards = items.filter((line) => isStocked(line.kind) && line.flashSaleId === null);
  // A line once sent to a supplier stays with it, so it is never served twice.
  upstream.push(...cards.filter((item) => sentUpstream.has(item.id)));
  // Lines of one SKU (on its own and inside bundles) share the order's one reservation of it.
  for (const group of linesBySku(cards.filter((item) => !sentUpstream.has(item.id)))) {
    const skuId = group[0]?.skuId ?? "";
    const result = await stockKeeper(ctx, skuId).commit(
      { merchantId: order.merchantId, skuId },
      orderId,
      group.reduce((total, item) => total + item.quantity, 0),
    );
    if (!result.ok && (await hasSuppliers(ctx, order.merchantId, skuId))) {
      upstream.push(...group);
      continue;
    }
    if (!result.ok) {
      await refundUndeliverable(ctx, orderId, "insufficient_stock");
      return { status: "refunded" };
    }
    for (const [itemId, units] of shareUnits(group, result.units)) committed.set(itemId, units);
  }
  const sourced = new Map<string, NewDelivery[]>();
  const outcomes = await Promise.all(upstream.map((item) => sourceLine(ctx, order, item)));
  for (const [index, sourcing] of outcomes.entries()) {
    if (sourcing.state === "ready") sourced.set(upstream[index]?.id ?? "", sourcing.rows);
  }
  // Refund only once nothing is in flight: a top-up still running may yet be delivered.
  if (outcomes.some((sourcing) => sourcing.state === "pending")) return { status: "paid" };
  if (outcomes.some((sourcing) => sourcing.state === "failed")) {
    await refundUndeliverable(ctx, orderId, "supplier_failed");
    return { status: "refunded" };
  }

  const now = Date.now();
  const rows: NewDelivery[] = [];
  for (const item of items) {
    const fromSupplier = sourced.get(item.id);
    if (fromSupplier) {
      rows.push(...fromSupplier);
    } else if (isStocked(item.kind)) {
      for (const [seq, unit] of (committed.get(item.id) ?? []).entries()) {
        rows.push({
          id: newId("delivery", now),
          orderId,
          itemId: item.id,
          skuId: item.skuId,
          seq,
          codeCiphertext: unit.codeCiphertext,
          secretCiphertext: unit.secretCiphertext,
          createdAt: now,
        });
      }
    } else if (isMintedKind(item.kind)) {
      // Vouchers, stored value, time cards and licences: one minted code each, armed below.
      rows.push(...(await mintVouchers(ctx, order, item, now)));
    }
  }
  await insertDeliveries(ctx.db, order.merchantId, rows);

  const stored = await ctx.db.select().from(deliveries).where(eq(deliveries.orderId, orderId)).all();
  await Promise.all(
    stored
      .filter((row) => row.codeId && row.lookupKey)
      .map((row) => {
        const item = items.find((candidate) => candidate.id === row.itemId);
        if (!item || !row.codeId || !row.lookupKey) return null;
        const policy: CodePolicy = {
          uses: item.policyUses,
          validDays: item.policyValidDays,
          terms: item.policyTerms,
        };
        return codeLedgerOf(ctx, order.merchantId, row.lookupKey).arm({
          lookupKey: row.lookupKey,
          codeId: row.codeId,
          merchantId: order.merchantId,
          skuId: row.skuId,
          orderId,
          productName: item.productName,
          policy,
          issuedAt: row.createdAt,
          currency: item.currency,
        });
      }),
  );

  // Before the order counts as delivered, so a failure here is retried with the delivery.
  await startSubscriptions(ctx, order, items);

  const done = Date.now();
  const moved = await ctx.db
    .update(orders)
    .set({ status: "fulfilled", fulfilledAt: done, updatedAt: done })
    .where(and(eq(orders.id, orderId), eq(orders.status, "paid")))
    .returning({ id: orders.id });
  if (moved.length === 0) {
    // Refunded while this run was delivering: what it just armed or committed was never shown
    // to the buyer, so the refund's own steps (voiding, returning units) run again to cover it.
    const current = await ctx.db.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId)).get();
    if (current?.status === "refunded") await completeRefund(ctx, orderId);
    return { status: current?.status ?? "missing" };
  }
  ctx.log.info("order fulfilled", { orderId, deliveries: stored.length });
  await publishOrderOutcome(ctx, order, "order.fulfilled");
  return { status: "fulfilled" };
}

async function mintVouchers(ctx: ServiceContext, order: OrderRow, item: ItemRow, now: number): Promise<NewDelivery[]> {
  const rows: NewDelivery[] = [];
  for (let seq = 0; seq < item.quantity; seq++) {
    const code = generateVoucherCode();
    const normalized = normalizeCode(code) ?? code;
    rows.push({
      id: newId("delivery", now),
      orderId: order.id,
      itemId: item.id,
      skuId: item.skuId,
      seq,
      codeCiphertext: await ctx.vault.encrypt(code, `code:${order.merchantId}:${item.skuId}`),
      secretCiphertext: null,
      codeId: newId("code", now),
      lookupKey: await ctx.vault.lookupKey(order.merchantId, normalized),
      createdAt: now,
    });
  }
  return rows;
}
