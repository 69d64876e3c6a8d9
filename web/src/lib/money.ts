import { currencyDigits } from "./i18n";

export const CURRENCIES = ["CNY", "USD", "EUR", "HKD", "JPY", "GBP"] as const;

/** "19.99" → 1999 minor units (for a 2-digit currency); null when it is not a valid price. */
export function parseMajor(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const trimmed = text.trim().replace(/,/g, "");
  const pattern = digits > 0 ? new RegExp(`^\\d+(\\.\\d{0,${digits}})?$`) : /^\d+$/;
  if (!pattern.test(trimmed)) return null;
  const [whole = "0", fraction = ""] = trimmed.split(".");
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

/** 1999 → "19.99": the value an input field shows. */
export function formatMajor(amount: number, currency: string): string {
  const digits = currencyDigits(currency);
  return digits === 0 ? String(amount) : (amount / 10 ** digits).toFixed(digits);
}
