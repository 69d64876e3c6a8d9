// Simplified Chinese and English, switchable; Chinese unless the visitor chose otherwise or the
// merchant's locale says English. Money and dates go through Intl for the active locale.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { Money } from "./api";
import { type MessageKey, messages } from "./messages";

export type Locale = "zh-CN" | "en";
export const LOCALES: Locale[] = ["zh-CN", "en"];
const STORAGE_KEY = "tessera.locale";

export function toLocale(value: string | null | undefined): Locale | null {
  if (!value) return null;
  if (value === "en" || value.startsWith("en-")) return "en";
  if (value === "zh" || value.startsWith("zh")) return "zh-CN";
  return null;
}

function storedLocale(): Locale | null {
  try {
    return toLocale(localStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

export interface I18n {
  locale: Locale;
  /** The visitor's explicit choice; remembered on this device. */
  setLocale(locale: Locale): void;
  /** The shop's or merchant's locale: applies only while the visitor has not chosen one. */
  setDefaultLocale(locale: Locale): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  money(money: Money | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  date(iso: string | null | undefined): string;
  number(value: number): string;
}

const I18nContext = createContext<I18n | null>(null);

/** Minor-unit digits of a currency, from Intl (CNY 2, JPY 0). */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [chosen, setChosen] = useState<Locale | null>(storedLocale);
  const [fallback, setFallback] = useState<Locale>("zh-CN");
  const locale = chosen ?? fallback;

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    setChosen(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const dict = messages[locale];
    const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
    const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium" });
    const numberFormat = new Intl.NumberFormat(locale);
    const moneyFormats = new Map<string, Intl.NumberFormat>();
    return {
      locale,
      setLocale,
      setDefaultLocale: setFallback,
      t(key, vars) {
        const template = dict[key] ?? messages.en[key] ?? key;
        if (!vars) return template;
        return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
      },
      money(money) {
        if (!money) return "—";
        let format = moneyFormats.get(money.currency);
        if (!format) {
          format = new Intl.NumberFormat(locale, { style: "currency", currency: money.currency });
          moneyFormats.set(money.currency, format);
        }
        return format.format(money.amount / 10 ** currencyDigits(money.currency));
      },
      dateTime(iso) {
        if (!iso) return "—";
        const at = new Date(iso);
        return Number.isNaN(at.getTime()) ? iso : dateTimeFormat.format(at);
      },
      date(iso) {
        if (!iso) return "—";
        // A bare YYYY-MM-DD is a calendar day, not an instant: format it at noon UTC so no
        // time zone moves it to a neighbouring day.
        const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T12:00:00Z` : iso);
        return Number.isNaN(at.getTime()) ? iso : dateFormat.format(at);
      },
      number: (n) => numberFormat.format(n),
    };
  }, [locale, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <fieldset className="lang-switch">
      <legend className="sr-only">{t("language")}</legend>
      {LOCALES.map((option) => (
        <button
          key={option}
          type="button"
          lang={option}
          aria-pressed={option === locale}
          className={option === locale ? "chip active" : "chip"}
          onClick={() => setLocale(option)}
        >
          {option === "zh-CN" ? "中文" : "English"}
        </button>
      ))}
    </fieldset>
  );
}
