import { type CodeRow, findCodes } from "@tessera/db";
import type { deliveries, orderItems, orders, payments } from "@tessera/db/schema";
import { maskCode } from "@tessera/domain";
import type { ServiceContext } from "../context";

type OrderRow = typeof orders.$inferSelect;
type ItemRow = typeof orderItems.$inferSelect;
type PaymentRow = typeof payments.$inferSelect;
type DeliveryRow = typeof deliveries.$inferSelect;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The encryption context of a delivery: where its ciphertext came from. */
export function deliveryContext(row: Pick<DeliveryRow, "merchantId" | "skuId" | "codeId">): string {
  return row.codeId ? `code:${row.merchantId}:${row.skuId}` : `unit:${row.merchantId}:${row.skuId}`;
}

/** What a line cost (a bundle component: its share of the bundle line) and whether it was refunded on its own. */
function lineView(item: ItemRow) {
  return {
    id: item.id,
    skuId: item.skuId,
    productName: item.productName,
    skuName: item.skuName,
    kind: item.kind,
    quantity: item.quantity,
    amount: { amount: item.allocatedAmount ?? item.unitAmount * item.quantity, currency: item.currency },
    ...(item.recipientMasked ? { recipient: item.recipientMasked } : {}),
    ...(item.renewalPeriod ? { renewal: { period: item.renewalPeriod, every: item.renewalEvery ?? 1 } } : {}),
    refundedAt: iso(item.refundedAt),
  };
}

export function orderView(
  order: OrderRow,
  items: ItemRow[],
  payment: PaymentRow | undefined,
  checkoutUrl: string | null,
) {
  return {
    id: order.id,
    status: order.status,
    email: order.email,
    total: { amount: order.totalAmount, currency: order.currency },
    items: items
      .filter((item) => item.parentItemId === null)
      .map((item) => {
        const components = items.filter((component) => component.parentItemId === item.id);
        return {
          ...lineView(item),
          unitPrice: { amount: item.unitAmount, currency: item.currency },
          ...(components.length > 0 ? { components: components.map(lineView) } : {}),
        };
      }),
    payment: payment ? { id: payment.id, provider: payment.provider, status: payment.status, checkoutUrl } : null,
    createdAt: iso(order.createdAt),
    expiresAt: iso(order.reservationExpiresAt),
    paidAt: iso(order.paidAt),
    fulfilledAt: iso(order.fulfilledAt),
    refundedAt: iso(order.refundedAt),
    statusReason: order.statusReason,
    channelId: order.channelId,
  };
}

/**
 * What a minted code has left, as its read model last heard from its ledger: uses, balance,
 * validity window, seats. Null until the ledger's first event has landed.
 */
function usageView(item: ItemRow | undefined, code: CodeRow | undefined) {
  if (!item || !code) return null;
  const terms = item.policyTerms;
  return {
    status: code.status as "active" | "redeemed" | "expired" | "voided",
    remainingUses: code.usesRemaining,
    validUntil: iso(code.expiresAt),
    ...(terms?.form === "balance"
      ? {
          balance: { amount: code.balanceRemaining ?? terms.balance, currency: item.currency },
          balanceTotal: { amount: code.balanceTotal ?? terms.balance, currency: item.currency },
        }
      : {}),
    ...(terms?.form === "time" ? { activatedAt: iso(code.activatedAt) } : {}),
    ...(terms?.form === "seats" ? { seats: { total: terms.seats, used: code.seatsUsed ?? 0 } } : {}),
  };
}

/** The buyer's view: the plain codes, with the product's instructions and what each code has left. */
export async function revealDeliveries(ctx: ServiceContext, rows: DeliveryRow[], items: ItemRow[]) {
  const merchantId = rows[0]?.merchantId;
  const codeIds = rows.flatMap((row) => (row.codeId ? [row.codeId] : []));
  const codes = new Map(
    (merchantId ? await findCodes(ctx.db, merchantId, codeIds) : []).map((code) => [code.id, code]),
  );
  return Promise.all(
    rows.map(async (row) => {
      const context = deliveryContext(row);
      const item = items.find((candidate) => candidate.id === row.itemId);
      const usage = row.codeId ? usageView(item, codes.get(row.codeId)) : null;
      return {
        skuId: row.skuId,
        productName: item?.productName ?? "",
        code: await ctx.vault.decrypt(row.codeCiphertext, context),
        ...(row.secretCiphertext ? { secret: await ctx.vault.decrypt(row.secretCiphertext, context) } : {}),
        instructions: item?.instructions ?? null,
        ...(usage ? { usage } : {}),
      };
    }),
  );
}

/** Staff see deliveries masked; revealing a full code is a separate, audited action. */
export async function maskedDeliveries(ctx: ServiceContext, rows: DeliveryRow[]) {
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      skuId: row.skuId,
      codeId: row.codeId,
      codeMasked: maskCode(await ctx.vault.decrypt(row.codeCiphertext, deliveryContext(row))),
      createdAt: iso(row.createdAt),
    })),
  );
}
