import { describe, expect, test } from "vitest";
import {
  availableThrough,
  channelPrice,
  type PriceEntry,
  quotaRemaining,
  sameMoney,
  sellsToConsumers,
  WEBHOOK_MAX_ATTEMPTS,
  webhookDeliveryStep,
} from "../src/channels";

const list = { listPrice: { amount: 1000, currency: "CNY" as const }, listed: true };
const entry = (overrides: Partial<PriceEntry> = {}): PriceEntry => ({
  priceAmount: 700,
  currency: "CNY",
  quota: null,
  quotaUsed: 0,
  ...overrides,
});

describe("a channel's price for a SKU", () => {
  test("a consumer channel sells a listed SKU at its own price, or the list price without one", () => {
    for (const kind of ["shop", "mini_program", "app"] as const) {
      expect(channelPrice(kind, list, entry())).toEqual({ amount: 700, currency: "CNY" });
      expect(channelPrice(kind, list, undefined)).toEqual({ amount: 1000, currency: "CNY" });
      expect(channelPrice(kind, list, entry({ priceAmount: null, currency: null }))).toEqual(list.listPrice);
    }
  });

  test("a consumer channel never sells an unlisted SKU, whatever its price list says", () => {
    expect(channelPrice("app", { ...list, listed: false }, entry())).toBeNull();
    expect(channelPrice("shop", { ...list, listed: false }, undefined)).toBeNull();
  });

  test("a reseller sells exactly its price list, listed in the shop or not", () => {
    expect(channelPrice("reseller", list, undefined)).toBeNull();
    expect(channelPrice("reseller", list, entry())).toEqual({ amount: 700, currency: "CNY" });
    expect(channelPrice("reseller", { ...list, listed: false }, entry({ priceAmount: 650 }))).toEqual({
      amount: 650,
      currency: "CNY",
    });
    expect(channelPrice("reseller", list, entry({ priceAmount: null, currency: null }))).toEqual(list.listPrice);
  });

  test("only resellers sell outside the shop API", () => {
    expect(["shop", "mini_program", "app", "reseller"].map((kind) => sellsToConsumers(kind as never))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});

describe("quotas", () => {
  test("what is left of a quota; no quota means no limit", () => {
    expect(quotaRemaining(undefined)).toBeNull();
    expect(quotaRemaining(entry({ quota: null, quotaUsed: 40 }))).toBeNull();
    expect(quotaRemaining(entry({ quota: 10, quotaUsed: 4 }))).toBe(6);
    expect(quotaRemaining(entry({ quota: 10, quotaUsed: 10 }))).toBe(0);
    expect(quotaRemaining(entry({ quota: 3, quotaUsed: 5 }))).toBe(0);
  });

  test("what is on sale through a channel: the stock, capped by the quota left", () => {
    expect(availableThrough(8, null)).toBe(8);
    expect(availableThrough(8, 3)).toBe(3);
    expect(availableThrough(2, 3)).toBe(2);
    expect(availableThrough(null, 3)).toBe(3);
    expect(availableThrough(null, null)).toBeNull();
  });
});

describe("webhook deliveries", () => {
  test("a 2xx ends a delivery; a failure is retried until the last attempt, then given up", () => {
    expect(webhookDeliveryStep(1, true)).toBe("succeeded");
    expect(webhookDeliveryStep(WEBHOOK_MAX_ATTEMPTS, true)).toBe("succeeded");
    for (let attempts = 1; attempts < WEBHOOK_MAX_ATTEMPTS; attempts++) {
      expect(webhookDeliveryStep(attempts, false)).toBe("retry");
    }
    expect(webhookDeliveryStep(WEBHOOK_MAX_ATTEMPTS, false)).toBe("failed");
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(8);
  });
});

test("money is the same only in amount and currency both", () => {
  expect(sameMoney({ amount: 1, currency: "CNY" }, { amount: 1, currency: "CNY" })).toBe(true);
  expect(sameMoney({ amount: 1, currency: "CNY" }, { amount: 1, currency: "USD" })).toBe(false);
  expect(sameMoney({ amount: 1, currency: "CNY" }, { amount: 2, currency: "CNY" })).toBe(false);
});
