import type { Currency } from "@tessera/domain";
import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../client";
import { codes, redemptions } from "../schema";
import { type Page, type PageOptions, toPage } from "./page";

export type RedemptionRow = typeof redemptions.$inferSelect;
export type RedemptionStatus = RedemptionRow["status"];

export interface NewRedemption {
  id: string;
  codeId: string;
  partnerId: string | null;
  location: string | null;
  /** Who redeemed (`partner:…`, `staff:…`, `key:…`); null for events published before it was carried. */
  actor?: string | null | undefined;
  /** Stored value: the minor units spent; null or absent where a use was taken. */
  amount?: number | null | undefined;
  currency?: Currency | null | undefined;
  /** When the code was redeemed. */
  createdAt: number;
}

export interface RedemptionListing {
  redemption: RedemptionRow;
  /** From the code's read model; null while the code's row has not arrived yet. */
  skuId: string | null;
  orderId: string | null;
}

/** A completed redemption as a statement for runAtomic; redelivery of the event inserts nothing. */
export function redemptionStatement(db: Db, merchantId: string, redemption: NewRedemption) {
  return db
    .insert(redemptions)
    .values({ ...redemption, merchantId, status: "completed" })
    .onConflictDoNothing()
    .returning({ id: redemptions.id });
}

/**
 * A reversal as a statement for runAtomic: marks the redemption reversed, inserting it whole if
 * the reversal overtook the redemption's own event. Another merchant's row is never touched.
 */
export function reversalStatement(db: Db, merchantId: string, redemption: NewRedemption & { reversedAt: number }) {
  return db
    .insert(redemptions)
    .values({ ...redemption, merchantId, status: "reversed" })
    .onConflictDoUpdate({
      target: redemptions.id,
      set: { status: "reversed", reversedAt: redemption.reversedAt },
      setWhere: eq(redemptions.merchantId, merchantId),
    })
    .returning({ id: redemptions.id });
}

/** True when the redemption was new. */
export async function recordRedemption(db: Db, merchantId: string, redemption: NewRedemption): Promise<boolean> {
  return (await redemptionStatement(db, merchantId, redemption)).length > 0;
}

/** True when this merchant's row was written (inserted or marked reversed). */
export async function recordReversal(
  db: Db,
  merchantId: string,
  redemption: NewRedemption & { reversedAt: number },
): Promise<boolean> {
  return (await reversalStatement(db, merchantId, redemption)).length > 0;
}

/** The merchant's redemptions newest first, with the SKU and order of each code. */
export async function listRedemptionsPage(
  db: Db,
  merchantId: string,
  options: PageOptions & { status?: RedemptionStatus | undefined },
): Promise<Page<RedemptionListing>> {
  const filters = [eq(redemptions.merchantId, merchantId)];
  if (options.cursor) filters.push(lt(redemptions.id, options.cursor));
  if (options.status) filters.push(eq(redemptions.status, options.status));
  const rows = await db
    .select({ redemption: redemptions, skuId: codes.skuId, orderId: codes.orderId })
    .from(redemptions)
    // The join is scoped too: a code id shared across merchants must not lend its SKU or order.
    .leftJoin(codes, and(eq(codes.id, redemptions.codeId), eq(codes.merchantId, redemptions.merchantId)))
    .where(and(...filters))
    .orderBy(desc(redemptions.id))
    .limit(options.limit + 1)
    .all();
  return toPage(
    rows,
    options.limit,
    (row) => row.redemption.id,
    (row) => row,
  );
}
