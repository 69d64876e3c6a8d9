import {
  activationStatement,
  codeSnapshotStatement,
  expireOrder,
  recordSaleShardLevel,
  recordStockLevel,
  redemptionStatement,
  reversalStatement,
  runAtomic,
} from "@tessera/db";
import { CODE_FORMS, type Currency, statusOf } from "@tessera/domain";
import { z } from "zod";
import type { ServiceContext } from "../context";
import { releaseChannelQuota } from "./channels/quotas";

const CodeSnapshot = z.object({
  codeId: z.string(),
  lookupKey: z.string(),
  skuId: z.string(),
  orderId: z.string(),
  usesTotal: z.number().int(),
  usesRemaining: z.number().int(),
  expiresAt: z.number().nullable(),
  voidedAt: z.number().nullable(),
  version: z.number().int(),
  /** When the code was issued; optional for events published before it was carried. */
  issuedAt: z.number().optional(),
  /** The product form and its state; absent from vouchers' events and from events older than the forms. */
  form: z.enum(CODE_FORMS).optional(),
  balanceTotal: z.number().int().optional(),
  balanceRemaining: z.number().int().optional(),
  currency: z.string().nullable().optional(),
  activatedAt: z.number().nullable().optional(),
  seatsUsed: z.number().int().optional(),
});

/** A licence seat taken or freed, with the code's snapshot after it. */
const SeatChange = CodeSnapshot.extend({ deviceId: z.string(), seatActivatedAt: z.number() });

const base = { id: z.string(), at: z.number(), merchantId: z.string() };

export const EventSchema = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("code.armed"), data: CodeSnapshot }),
  z.object({ ...base, type: z.literal("code.voided"), data: CodeSnapshot }),
  z.object({
    ...base,
    type: z.literal("code.redeemed"),
    data: CodeSnapshot.extend({
      redemptionId: z.string(),
      partnerId: z.string().nullable(),
      location: z.string().nullable(),
      /** Who redeemed; optional for events published before it was carried. */
      actor: z.string().nullable().optional(),
      /** Stored value: the minor units spent. */
      amount: z.number().int().nullable().optional(),
    }),
  }),
  z.object({
    ...base,
    type: z.literal("code.reversed"),
    data: CodeSnapshot.extend({
      redemptionId: z.string(),
      partnerId: z.string().nullable(),
      location: z.string().nullable(),
      actor: z.string().nullable().optional(),
      amount: z.number().int().nullable().optional(),
      redeemedAt: z.number(),
    }),
  }),
  z.object({ ...base, type: z.literal("code.activated"), data: SeatChange }),
  z.object({
    ...base,
    type: z.literal("code.deactivated"),
    data: SeatChange.extend({ deactivatedAt: z.number() }),
  }),
  z.object({
    ...base,
    type: z.literal("stock.changed"),
    data: z.object({
      skuId: z.string(),
      available: z.number().int(),
      version: z.number().int(),
      reserved: z.number().int().optional(),
      sold: z.number().int().optional(),
    }),
  }),
  z.object({
    ...base,
    type: z.literal("sale.level"),
    data: z.object({
      saleId: z.string(),
      skuId: z.string(),
      shard: z.number().int(),
      available: z.number().int(),
      reserved: z.number().int(),
      sold: z.number().int(),
      version: z.number().int(),
    }),
  }),
  z.object({
    ...base,
    type: z.literal("reservation.expired"),
    data: z.object({ orderId: z.string(), skuId: z.string() }),
  }),
]);

export type TesseraEvent = z.infer<typeof EventSchema>;

/** The code's read-model row as its ledger published it; older or repeated snapshots change nothing. */
function codeStatement(ctx: ServiceContext, event: TesseraEvent & { data: z.infer<typeof CodeSnapshot> }) {
  const snap = event.data;
  // Stored value is used up when its balance is, whatever its (single) use count says.
  const uses = snap.form === "balance" ? { ...snap, usesRemaining: snap.balanceRemaining ?? 0 } : snap;
  return codeSnapshotStatement(
    ctx.db,
    event.merchantId,
    {
      id: snap.codeId,
      skuId: snap.skuId,
      orderId: snap.orderId,
      lookupKey: snap.lookupKey,
      status: statusOf(uses, event.at),
      usesTotal: snap.usesTotal,
      usesRemaining: snap.usesRemaining,
      expiresAt: snap.expiresAt,
      version: snap.version,
      ...(snap.form
        ? {
            form: snap.form,
            balanceTotal: snap.form === "balance" ? (snap.balanceTotal ?? null) : null,
            balanceRemaining: snap.form === "balance" ? (snap.balanceRemaining ?? null) : null,
            activatedAt: snap.activatedAt ?? null,
            seatsUsed: snap.form === "seats" ? (snap.seatsUsed ?? 0) : null,
          }
        : {}),
    },
    event.at,
    snap.issuedAt ?? event.at,
  );
}

/** Applies one event to D1. Every statement is idempotent, so redelivery changes nothing. */
export async function applyEvent(ctx: ServiceContext, event: TesseraEvent): Promise<void> {
  const { db } = ctx;
  switch (event.type) {
    case "code.armed":
    case "code.voided":
      await codeStatement(ctx, event);
      return;
    case "code.redeemed": {
      const { redemptionId, codeId, partnerId, location, actor, amount, currency } = event.data;
      await runAtomic(db, [
        codeStatement(ctx, event),
        redemptionStatement(db, event.merchantId, {
          id: redemptionId,
          codeId,
          partnerId,
          location,
          actor: actor ?? null,
          amount: amount ?? null,
          currency: amount ? ((currency ?? null) as Currency | null) : null,
          createdAt: event.at,
        }),
      ]);
      return;
    }
    case "code.reversed": {
      const { redemptionId, codeId, partnerId, location, actor, amount, currency, redeemedAt } = event.data;
      await runAtomic(db, [
        codeStatement(ctx, event),
        reversalStatement(db, event.merchantId, {
          id: redemptionId,
          codeId,
          partnerId,
          location,
          actor: actor ?? null,
          amount: amount ?? null,
          currency: amount ? ((currency ?? null) as Currency | null) : null,
          createdAt: redeemedAt,
          reversedAt: event.at,
        }),
      ]);
      return;
    }
    case "code.activated":
    case "code.deactivated": {
      const { codeId, deviceId, seatActivatedAt, version } = event.data;
      await runAtomic(db, [
        codeStatement(ctx, event),
        activationStatement(db, event.merchantId, {
          codeId,
          deviceId,
          activatedAt: seatActivatedAt,
          deactivatedAt: event.type === "code.deactivated" ? event.data.deactivatedAt : null,
          version,
        }),
      ]);
      return;
    }
    case "stock.changed":
      await recordStockLevel(db, event.merchantId, event.data.skuId, event.data);
      return;
    case "sale.level":
      await recordSaleShardLevel(db, event.merchantId, event.data);
      return;
    case "reservation.expired":
      if (await expireOrder(db, event.merchantId, event.data.orderId, event.at)) {
        await releaseChannelQuota(ctx, event.data.orderId);
      }
      return;
  }
}
