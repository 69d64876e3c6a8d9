import { useEffect, useState } from "react";
import { useI18n } from "../lib/i18n";
import type { Money, SaleBadge, Sku } from "../lib/types";

/** The current time, ticking every `intervalMs`: what a countdown redraws from. */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** `1d 02:03:04`, `02:03:04`: whole seconds, rounded up so a countdown never shows 0 early. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86_400);
  const clock = [Math.floor((total % 86_400) / 3600), Math.floor((total % 3600) / 60), total % 60]
    .map((part) => String(part).padStart(2, "0"))
    .join(":");
  return days > 0 ? `${days}d ${clock}` : clock;
}

export type SalePhase = "none" | "scheduled" | "open";

/** Where the SKU's sale stands at `now`, by its times (the page may have loaded before it opened). */
export function salePhase(sale: SaleBadge | undefined, now: number): SalePhase {
  if (!sale) return "none";
  if (now < Date.parse(sale.startsAt)) return "scheduled";
  return now < Date.parse(sale.endsAt) ? "open" : "none";
}

/** What one unit costs now: the sale price while the sale is open. */
export function unitPriceOf(sku: Sku, now: number): Money {
  return salePhase(sku.flashSale, now) === "open" && sku.flashSale ? sku.flashSale.price : sku.price;
}

/** The sale's box on a product page: its price against the regular one, a countdown, what is left. */
export function FlashSaleBox({ sale, regular, now }: { sale: SaleBadge; regular: Money; now: number }) {
  const { t, money, number, dateTime } = useI18n();
  const phase = salePhase(sale, now);
  if (phase === "none") return null;
  return (
    <div className="flash-sale" data-testid="flash-sale" data-phase={phase}>
      <p className="flash-sale-title">
        <span className="badge badge-warning">{t("shop.flashSale")}</span> {sale.name}
      </p>
      <p className="price-line">
        <span className="price" data-testid="sale-price">
          {money(sale.price)}
        </span>
        <s className="muted">{t("shop.regularPrice", { price: money(regular) })}</s>
      </p>
      {phase === "scheduled" ? (
        <>
          <p className="countdown" data-testid="countdown" aria-live="off">
            {t("shop.saleOpensIn", { time: formatCountdown(Date.parse(sale.startsAt) - now) })}
          </p>
          <p className="muted small">{t("shop.saleOpensAt", { at: dateTime(sale.startsAt) })}</p>
        </>
      ) : (
        <>
          <p className="countdown" aria-live="off">
            {t("shop.saleEndsIn", { time: formatCountdown(Date.parse(sale.endsAt) - now) })}
          </p>
          <p data-testid="sale-left">{t("shop.saleLeftN", { n: number(sale.remaining) })}</p>
        </>
      )}
      <p className="muted small">{t("shop.saleLimit", { n: number(sale.perCustomerLimit) })}</p>
    </div>
  );
}
