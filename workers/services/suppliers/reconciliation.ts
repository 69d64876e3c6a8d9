import {
  type SupplierOrderRow,
  type SupplierRow,
  saveReconciliation,
  settlementsOfDay,
  supplierOrdersOfDay,
} from "@tessera/db";
import type { BillLine } from "@tessera/suppliers";
import type { ServiceContext } from "../../context";
import { guarded } from "./breaker";
import { adapterFor } from "./registry";
import { isTerminal } from "./upstream";

export type MismatchKind =
  /** We count it delivered; the supplier's statement does not have it as delivered. */
  | "not_confirmed"
  /** The supplier's statement has an order we never placed. */
  | "unknown_order"
  /** Both know the order but disagree on how it ended. */
  | "status_mismatch"
  /** The supplier charged another amount than the cost we ordered at. */
  | "amount_mismatch"
  /** Confirmed delivered, but we recorded no payment for it. */
  | "unpaid"
  /** What we paid differs from what the supplier charged. */
  | "paid_mismatch"
  /** Still open on our side: not settled yet. */
  | "in_flight";

export interface Mismatch {
  kind: MismatchKind;
  merchantOrderNo: string;
  upstreamOrderNo: string | null;
  ordered: { status: string; amount: number } | null;
  confirmed: { status: string; amount: number } | null;
  paid: number | null;
}

const theirStatus = (line: BillLine) =>
  line.status === "success" ? "succeeded" : line.status === "failed" ? "failed" : "processing";

/**
 * One supplier's day, three ways: what we ordered (our upstream orders and their cost), what
 * the supplier confirmed (its statement), what we paid (our settlement debits). Every order
 * where they disagree is listed with the three figures, for the finance role; the report is
 * kept, so the daily cron run can be read later.
 */
export async function reconcileSupplierDay(ctx: ServiceContext, supplier: SupplierRow, date: string) {
  const adapter = await adapterFor(ctx, supplier);
  const [lines, ours, settlements] = await Promise.all([
    guarded(ctx, supplier, () => adapter.statement(date)),
    supplierOrdersOfDay(ctx.db, supplier.id, date),
    settlementsOfDay(ctx.db, supplier.id, date),
  ]);
  const paidBy = new Map<string, number>();
  for (const settlement of settlements) {
    paidBy.set(settlement.supplierOrderId, (paidBy.get(settlement.supplierOrderId) ?? 0) + settlement.amount);
  }
  const theirs = new Map(lines.map((line) => [line.merchantOrderNo, line]));
  const mismatches: Mismatch[] = [];
  const note = (kind: MismatchKind, row: SupplierOrderRow | null, line: BillLine | undefined) =>
    mismatches.push({
      kind,
      merchantOrderNo: row?.id ?? line?.merchantOrderNo ?? "",
      upstreamOrderNo: line?.orderNo ?? row?.upstreamOrderNo ?? null,
      ordered: row ? { status: row.status, amount: row.costAmount } : null,
      confirmed: line ? { status: theirStatus(line), amount: line.amount.amount } : null,
      paid: row ? (paidBy.get(row.id) ?? 0) : null,
    });

  for (const row of ours) {
    const line = theirs.get(row.id);
    theirs.delete(row.id);
    const paid = paidBy.get(row.id) ?? 0;
    if (!isTerminal(row.status)) {
      note("in_flight", row, line);
      continue;
    }
    if (!line) {
      if (row.status === "succeeded" || paid > 0) note("not_confirmed", row, line);
      continue;
    }
    if (theirStatus(line) !== row.status)
      note(row.status === "succeeded" ? "not_confirmed" : "status_mismatch", row, line);
    if (line.status !== "success") continue;
    if (line.amount.amount !== row.costAmount) note("amount_mismatch", row, line);
    if (row.status === "succeeded" && paid === 0) note("unpaid", row, line);
    else if (paid > 0 && paid !== line.amount.amount) note("paid_mismatch", row, line);
  }
  for (const line of theirs.values()) note("unknown_order", null, line);

  const currency = ours[0]?.currency ?? lines[0]?.amount.currency ?? "CNY";
  const confirmed = lines.filter((line) => line.status === "success");
  const report = {
    supplierId: supplier.id,
    supplierName: supplier.name,
    date,
    currency,
    ordered: {
      orders: ours.length,
      amount: ours.filter((row) => row.status !== "failed").reduce((total, row) => total + row.costAmount, 0),
    },
    confirmed: { orders: confirmed.length, amount: confirmed.reduce((total, line) => total + line.amount.amount, 0) },
    paid: { orders: paidBy.size, amount: [...paidBy.values()].reduce((total, amount) => total + amount, 0) },
    mismatches,
    generatedAt: new Date().toISOString(),
  };
  await saveReconciliation(ctx.db, {
    supplierId: supplier.id,
    day: date,
    merchantId: supplier.merchantId,
    mismatches: mismatches.length,
    report,
    createdAt: Date.now(),
  });
  return report;
}
