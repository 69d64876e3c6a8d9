import type { MessageKey } from "./messages";
import type { Money, Policy } from "./types";

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/**
 * What a SKU's codes allow beyond their uses, as short phrases: interval, balance, window,
 * seats, validity. The admin catalog and the shop say the same thing the same way.
 */
export function termsSummary(
  policy: Policy,
  currency: string,
  t: Translate,
  money: (value: Money) => string,
): string[] {
  const parts: string[] = [];
  const terms = policy.terms ?? null;
  if (terms?.form === "uses" && terms.minIntervalSeconds !== null) {
    parts.push(t("product.intervalN", { n: Math.round(terms.minIntervalSeconds / 60) }));
  }
  if (terms?.form === "balance") {
    parts.push(t("product.balanceN", { amount: money({ amount: terms.balance, currency } as Money) }));
  }
  if (terms?.form === "time") {
    const days = terms.durationSeconds % 86_400 === 0;
    parts.push(
      t(days ? "product.durationDaysN" : "product.durationHoursN", {
        n: terms.durationSeconds / (days ? 86_400 : 3_600),
      }),
    );
    parts.push(t(terms.start === "activation" ? "product.fromActivationLong" : "product.fromPurchaseLong"));
    if (terms.weekdays) parts.push(terms.weekdays.map((day) => t(`weekday.${day}` as MessageKey)).join(" "));
    if (terms.hours) parts.push(`${terms.hours.from}–${terms.hours.to} (${terms.timeZone})`);
  }
  if (terms?.form === "seats") parts.push(t("product.seatsN", { n: terms.seats }));
  if (policy.validDays) parts.push(t("product.validDaysN", { n: policy.validDays }));
  return parts;
}
