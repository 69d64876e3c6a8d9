/** ISO 4217 currencies the platform prices in, with their minor-unit exponent. */
export const CURRENCIES = { CNY: 2, USD: 2, EUR: 2, HKD: 2, JPY: 0, GBP: 2 } as const;
export type Currency = keyof typeof CURRENCIES;

/** Money is an integer of minor units with its currency; never a float. */
export interface Money {
  amount: number;
  currency: Currency;
}

export class CurrencyMismatchError extends Error {
  constructor(a: Currency, b: Currency) {
    super(`cannot combine ${a} with ${b}`);
  }
}

export function money(amount: number, currency: Currency): Money {
  if (!Number.isSafeInteger(amount)) throw new RangeError("amount must be a safe integer of minor units");
  return { amount, currency };
}

export function add(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
  return money(a.amount + b.amount, a.currency);
}

export function multiply(a: Money, factor: number): Money {
  if (!Number.isSafeInteger(factor)) throw new RangeError("factor must be an integer");
  return money(a.amount * factor, a.currency);
}

/** Sums a non-empty list of amounts that share one currency. */
export function sum(items: readonly Money[]): Money {
  const [first, ...rest] = items;
  if (!first) throw new RangeError("cannot sum nothing");
  return rest.reduce(add, first);
}
