import { newId } from "@tessera/domain";
import { expect, it } from "vitest";
import {
  type Db,
  listLedgerEntries,
  type NewLedgerEntry,
  recordLedgerEntry,
  recordWebhookEvent,
  type WebhookEvent,
} from "../../src";
import { makeMerchant, tick } from "../factories";

function event(overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    provider: "sandbox",
    eventId: newId("event", tick()),
    type: "payment.succeeded",
    receivedAt: tick(),
    ...overrides,
  };
}

function entry(paymentId: string, kind: NewLedgerEntry["kind"], amount: number): NewLedgerEntry {
  return {
    id: newId("ledgerEntry", tick()),
    orderId: "ord_ledger",
    paymentId,
    kind,
    amount,
    currency: "CNY",
    createdAt: tick(),
  };
}

export function moneyTests(db: () => Db): void {
  it("records a webhook event once, even when its deliveries race", async () => {
    const seen = event();
    const results = await Promise.all(Array.from({ length: 10 }, () => recordWebhookEvent(db(), seen)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await recordWebhookEvent(db(), { ...seen, receivedAt: tick() })).toBe(false);
  });

  it("treats the same event id from another provider as another event", async () => {
    const seen = event();
    expect(await recordWebhookEvent(db(), seen)).toBe(true);
    expect(await recordWebhookEvent(db(), { ...seen, provider: "stripe" })).toBe(true);
  });

  it("writes one ledger entry per payment and kind", async () => {
    const merchant = await makeMerchant(db());
    const paymentId = newId("payment", tick());
    const paid = entry(paymentId, "payment", 1999);
    const refund = entry(paymentId, "refund", -1999);
    expect(await recordLedgerEntry(db(), merchant.id, paid)).toBe(true);
    expect(await recordLedgerEntry(db(), merchant.id, entry(paymentId, "payment", 1999))).toBe(false);
    expect(await recordLedgerEntry(db(), merchant.id, refund)).toBe(true);
    expect(await recordLedgerEntry(db(), merchant.id, refund)).toBe(false);
    expect(await listLedgerEntries(db(), merchant.id, "ord_ledger")).toEqual([
      { ...paid, merchantId: merchant.id, itemId: null },
      { ...refund, merchantId: merchant.id, itemId: null },
    ]);
  });

  it("writes one refund per item refunded on its own, beside the payment's own refund", async () => {
    const merchant = await makeMerchant(db());
    const paymentId = newId("payment", tick());
    const first = { ...entry(paymentId, "refund", -300), itemId: "itm_first" };
    const second = { ...entry(paymentId, "refund", -200), itemId: "itm_second" };
    expect(await recordLedgerEntry(db(), merchant.id, entry(paymentId, "payment", 1000))).toBe(true);
    expect(await recordLedgerEntry(db(), merchant.id, first)).toBe(true);
    expect(await recordLedgerEntry(db(), merchant.id, second)).toBe(true);
    expect(await recordLedgerEntry(db(), merchant.id, { ...first, id: newId("ledgerEntry", tick()) })).toBe(false);
    expect(await recordLedgerEntry(db(), merchant.id, entry(paymentId, "refund", -500))).toBe(true);
    expect(await recordLedgerEntry(db(), merchant.id, entry(paymentId, "refund", -500))).toBe(false);
    const rows = await listLedgerEntries(db(), merchant.id, "ord_ledger");
    expect(rows.filter((row) => row.paymentId === paymentId).reduce((total, row) => total + row.amount, 0)).toBe(0);
  });

  it("never shows one merchant's ledger to another", async () => {
    const a = await makeMerchant(db());
    const b = await makeMerchant(db());
    await recordLedgerEntry(db(), a.id, entry(newId("payment", tick()), "payment", 500));
    expect(await listLedgerEntries(db(), b.id, "ord_ledger")).toEqual([]);
    expect(await listLedgerEntries(db(), a.id, "ord_ledger")).toHaveLength(1);
  });
}
