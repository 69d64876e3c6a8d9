import { codes, orders, redemptions } from "@tessera/db/schema";
import { statusOf } from "@tessera/domain";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { ServiceContext } from "../context";
import { recordStockLevel } from "./catalog";

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
});

const base = { id: z.string(), at: z.number(), merchantId: z.string() };

export const EventSchema = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("code.armed"), data: CodeSnapshot }),
  z.object({
    ...base,
    type: z.literal("code.redeemed"),
    data: CodeSnapshot.extend({ redemptionId: z.string(), partnerId: z.string().nullable(), location: z.string().nullable() }),
  }),
  z.object({
    ...base,
    type: z.literal("code.reversed"),
    data: CodeSnapshot.extend({
      redemptionId: z.string(),
      partnerId: z.string().nullable(),
      location: z.string().nullable(),
      redeemedAt: z.number(),
    }),
  }),
  z.object({
    ...base,
    type: z.literal("stock.changed"),
    data: z.object({ skuId: z.string(), available: z.number().int(), version: z.number().int() }),
  }),
  z.object({ ...base, type: z.literal("reservation.expired"), data: z.object({ orderId: z.string(), skuId: z.string() }) }),
]);

export type TesseraEvent = z.infer<typeof EventSchema>;

/** Upserts a code's row unless a newer version is already there: events may arrive in any order. */
function upsertCode(ctx: ServiceContext, event: TesseraEvent & { data: z.infer<typeof CodeSnapshot> }) {
  const snap = event.data;
  const status = statusOf(snap, event.at);
  const row = {
    id: snap.codeId,
    merchantId: event.merchantId,
    skuId: snap.skuId,
    orderId: snap.orderId,
    lookupKey: snap.lookupKey,
    status,
    usesTotal: snap.usesTotal,
    usesRemaining: snap.usesRemaining,
    expiresAt: snap.expiresAt,
    version: snap.version,
    // The issue time, not the event's: whichever event of the code lands first creates the
    // row, and the row must not depend on that order.
    createdAt: snap.issuedAt ?? event.at,
    updatedAt: event.at,
  };
  return ctx.db
    .insert(codes)
    .values(row)
    .onConflictDoUpdate({
      target: codes.id,
      set: { status, usesRemaining: snap.usesRemaining, version: snap.version, updatedAt: event.at },
      setWhere: sql`excluded.version > ${codes.version}`,
    });
}

/** Applies one event to D1. Every statement is idempotent, so redelivery changes nothing. */
export async function applyEvent(ctx: ServiceContext, event: TesseraEvent): Promise<void> {
  switch (event.type) {
    case "code.armed":
      await upsertCode(ctx, event);
      return;
    case "code.redeemed":
      await ctx.db.batch([
        upsertCode(ctx, event),
        ctx.db
          .insert(redemptions)
          .values({
            id: event.data.redemptionId,
            merchantId: event.merchantId,
            codeId: event.data.codeId,
            partnerId: event.data.partnerId,
            status: "completed",
            location: event.data.location,
            createdAt: event.at,
          })
          .onConflictDoNothing(),
      ]);
      return;
    case "code.reversed":
      await ctx.db.batch([
        upsertCode(ctx, event),
        ctx.db
          .insert(redemptions)
          .values({
            id: event.data.redemptionId,
            merchantId: event.merchantId,
            codeId: event.data.codeId,
            partnerId: event.data.partnerId,
            status: "reversed",
            location: event.data.location,
            createdAt: event.data.redeemedAt,
            reversedAt: event.at,
          })
          .onConflictDoUpdate({ target: redemptions.id, set: { status: "reversed", reversedAt: event.at } }),
      ]);
      return;
    case "stock.changed":
      await recordStockLevel(ctx, event.data.skuId, event.data.available, event.data.version);
      return;
    case "reservation.expired":
      await ctx.db
        .update(orders)
        .set({ status: "expired", statusReason: "reservation_expired", updatedAt: event.at })
        .where(
          and(
            eq(orders.id, event.data.orderId),
            eq(orders.merchantId, event.merchantId),
            inArray(orders.status, ["awaiting_payment", "payment_failed"]),
          ),
        );
      return;
  }
}
