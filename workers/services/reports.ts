import { activitySince, listStockedSkus } from "@tessera/db";
import { addDays, type Currency, localDate, startOfDay, weekStart } from "@tessera/domain";
import type { ServiceContext } from "../context";
import { isLow } from "./catalog";

const DAYS = 14;

interface Figures {
  sales: { amount: number; currency: Currency };
  orders: number;
  redemptions: number;
}

/**
 * The dashboard's figures in the staff's time zone: today (since local midnight), this week
 * (since Monday), and each of the last 14 days, with the SKUs whose stock is low.
 *  - sales: the money ledger's net (payments less refunds, each on the day it moved), in the
 *    merchant's main currency (the one most of the period's payments were in);
 *  - orders: orders paid in the period (one ledger payment each);
 *  - redemptions: redemptions made in the period and not reversed.
 */
export async function dashboard(ctx: ServiceContext, merchantId: string, timeZone: string, now: number = Date.now()) {
  const today = localDate(now, timeZone);
  const firstDay = addDays(today, -(DAYS - 1));
  const [activity, stocked] = await Promise.all([
    activitySince(ctx.db, merchantId, startOfDay(firstDay, timeZone)),
    listStockedSkus(ctx.db, merchantId),
  ]);
  const payments = new Map<string, number>();
  for (const bucket of activity.money) {
    if (bucket.kind === "payment") payments.set(bucket.currency, (payments.get(bucket.currency) ?? 0) + bucket.count);
  }
  const currency = ([...payments].sort((a, b) => b[1] - a[1])[0]?.[0] ?? stocked[0]?.sku.currency ?? "CNY") as Currency;

  const figuresBetween = (from: number, to: number): Figures => {
    const figures: Figures = { sales: { amount: 0, currency }, orders: 0, redemptions: 0 };
    for (const bucket of activity.money) {
      if (bucket.at < from || bucket.at >= to || bucket.currency !== currency) continue;
      figures.sales.amount += bucket.amount;
      if (bucket.kind === "payment") figures.orders += bucket.count;
    }
    for (const bucket of activity.redemptions) {
      if (bucket.at >= from && bucket.at < to) figures.redemptions += bucket.count;
    }
    return figures;
  };

  const end = startOfDay(addDays(today, 1), timeZone);
  const daily = Array.from({ length: DAYS }, (_, i) => {
    const date = addDays(firstDay, i);
    return { date, ...figuresBetween(startOfDay(date, timeZone), startOfDay(addDays(date, 1), timeZone)) };
  });
  return {
    timeZone,
    today: figuresBetween(startOfDay(today, timeZone), end),
    week: figuresBetween(startOfDay(weekStart(today), timeZone), end),
    daily,
    stockAlerts: stocked
      .filter(({ sku }) => isLow(sku))
      .map(({ sku, product }) => ({
        skuId: sku.id,
        productName: product.name,
        skuName: sku.name,
        available: sku.stockAvailable,
        lowStockThreshold: sku.lowStockThreshold,
      })),
  };
}
