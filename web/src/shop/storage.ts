// What the shop keeps on the buyer's device: the cart, and the orders placed here with their
// access tokens (the key to each order page). Nothing of it ever goes into a URL's path or query.
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Money, OrderItem, ProductKind } from "../lib/types";

export interface CartLine {
  skuId: string;
  productId: string | null;
  productName: string;
  skuName: string;
  kind: ProductKind;
  unitPrice: Money;
  quantity: number;
  /** Direct top-ups: the account to credit, as the product's template asks. */
  recipient?: Record<string, string>;
}

/** A cart line is one SKU, for one recipient where the SKU is a top-up. */
export const lineKey = (line: Pick<CartLine, "skuId" | "recipient">) =>
  line.recipient ? `${line.skuId}:${JSON.stringify(line.recipient)}` : line.skuId;

export interface SavedOrder {
  orderId: string;
  accessToken: string;
  email?: string;
  createdAt?: string | null;
  total?: Money;
  items?: OrderItem[];
  paymentId?: string | null;
}

const cartKey = (shop: string) => `tessera.cart.${shop}`;
const ordersKey = (shop: string) => `tessera.orders.${shop}`;
const emailKey = "tessera.email";
const deviceKey = "tessera.device";
export const MAX_QUANTITY = 100;

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

function write(key: string, value: unknown) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the state lasts for this page.
  }
  window.dispatchEvent(new StorageEvent("storage", { key }));
}

/** A value in localStorage, shared by every component (and tab) that reads the same key. */
function useStored<T>(key: string, fallback: T): [T, (update: (current: T) => T) => void] {
  const [value, setValue] = useState<T>(() => read(key, fallback));
  useEffect(() => {
    setValue(read(key, fallback));
    const onStorage = (event: StorageEvent) => {
      if (event.key === key || event.key === null) setValue(read(key, fallback));
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, [key, fallback]);
  const update = useCallback(
    (change: (current: T) => T) => {
      const current = read(key, fallback);
      const next = change(current);
      if (next !== current) write(key, next);
    },
    [key, fallback],
  );
  return [value, update];
}

const NO_LINES: CartLine[] = [];
const NO_ORDERS: SavedOrder[] = [];

export function useCart(shop: string) {
  const [lines, update] = useStored<CartLine[]>(cartKey(shop), NO_LINES);
  return useMemo(
    () => ({
      lines,
      count: lines.reduce((sum, line) => sum + line.quantity, 0),
      add: (line: CartLine) =>
        update((current) => {
          const existing = current.find((item) => lineKey(item) === lineKey(line));
          if (!existing) return [...current, { ...line, quantity: Math.min(line.quantity, MAX_QUANTITY) }];
          return current.map((item) =>
            lineKey(item) === lineKey(line)
              ? { ...item, quantity: Math.min(item.quantity + line.quantity, MAX_QUANTITY) }
              : item,
          );
        }),
      setQuantity: (key: string, quantity: number) =>
        update((current) =>
          current
            .map((item) =>
              lineKey(item) === key ? { ...item, quantity: Math.min(Math.max(0, quantity), MAX_QUANTITY) } : item,
            )
            .filter((item) => item.quantity > 0),
        ),
      remove: (key: string) => update((current) => current.filter((item) => lineKey(item) !== key)),
      replace: (next: CartLine[]) => update(() => next),
      clear: () => update(() => []),
    }),
    [lines, update],
  );
}

export function useSavedOrders(shop: string) {
  const [orders, update] = useStored<SavedOrder[]>(ordersKey(shop), NO_ORDERS);
  const save = useCallback(
    (order: SavedOrder) =>
      update((current) => {
        const previous = current.find((item) => item.orderId === order.orderId);
        const merged = { ...previous, ...order };
        if (previous && JSON.stringify(previous) === JSON.stringify(merged)) return current;
        return [merged, ...current.filter((item) => item.orderId !== order.orderId)].slice(0, 50);
      }),
    [update],
  );
  return useMemo(
    () => ({
      orders,
      find: (orderId: string) => orders.find((order) => order.orderId === orderId),
      save,
      forget: (orderId: string) => update((current) => current.filter((item) => item.orderId !== orderId)),
    }),
    [orders, save, update],
  );
}

export function savedToken(shop: string, orderId: string): string | null {
  return read<SavedOrder[]>(ordersKey(shop), []).find((order) => order.orderId === orderId)?.accessToken ?? null;
}

export function rememberedEmail(): string {
  try {
    return localStorage.getItem(emailKey) ?? "";
  } catch {
    return "";
  }
}

export function rememberEmail(email: string) {
  try {
    localStorage.setItem(emailKey, email);
  } catch {
    // ignore
  }
}

/**
 * A random id for this browser, made once and kept: the shop sends it as `X-Device-Id` so limits
 * can tell one device buying under many emails. It names nothing about the buyer.
 */
export function deviceId(): string | undefined {
  try {
    let id = localStorage.getItem(deviceKey);
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      id = `dev_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
      localStorage.setItem(deviceKey, id);
    }
    return id;
  } catch {
    // Storage disabled: the checkout goes without a device id.
    return undefined;
  }
}
