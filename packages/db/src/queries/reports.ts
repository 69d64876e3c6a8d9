import { and, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../client";
import { ledgerEntries, redemptions } from "../schema";

/** Reports bucket time by quarter hours: every zone's offset is a whole number of them. */
export const BUCKET_MS = 15 * 60_000;

export interface MoneyBucket {
  /** Start of the quarter hour, ms. */
  at: number;
  kind: "payment" | "refund";
  currency: string;
  amount: number;
  count: number;
}

export interface CountBucket {
  at: number;
  count: number;
}

/**
 * The money ledger since `since`, summed per quarter hour, kind and currency, and completed
 * redemptions per quarter hour: a few hundred rows whatever the volume, for a report to fold
 * into the days of any time zone.
 */
export async function activitySince(
  db: Db,
  merchantId: string,
  since: number,
): Promise<{ money: MoneyBucket[]; redemptions: CountBucket[] }> {
  const moneyBucket = sql<number>`(${ledgerEntries.createdAt} / ${BUCKET_MS}) * ${BUCKET_MS}`;
  const redemptionBucket = sql<number>`(${redemptions.createdAt} / ${BUCKET_MS}) * ${BUCKET_MS}`;
  const [money, redeemed] = await db.batch([
    db
      .select({
        at: moneyBucket,
        kind: ledgerEntries.kind,
        currency: ledgerEntries.currency,
        amount: sql<number>`sum(${ledgerEntries.amount})`,
        count: sql<number>`count(*)`,
      })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.merchantId, merchantId), gte(ledgerEntries.createdAt, since)))
      .groupBy(moneyBucket, ledgerEntries.kind, ledgerEntries.currency),
    db
      .select({ at: redemptionBucket, count: sql<number>`count(*)` })
      .from(redemptions)
      .where(
        and(
          eq(redemptions.merchantId, merchantId),
          gte(redemptions.createdAt, since),
          eq(redemptions.status, "completed"),
        ),
      )
      .groupBy(redemptionBucket),
  ]);
  return { money, redemptions: redeemed };
}
