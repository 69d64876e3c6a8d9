import { type FormEvent, useId, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { ErrorNotice, Notice } from "../components/ui";
import { ApiProblem, newIdempotencyKey, type Page, request } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import { timeZone } from "../lib/time-zone";
import type { CreatedOrder, Money, Product } from "../lib/types";
import { shopPath, useShop } from "./ShopApp";
import { deviceId, lineKey, rememberEmail, rememberedEmail, useCart, useSavedOrders } from "./storage";

/** The path of a checkout URL on this site, so the SPA can route to it without a reload. */
export function localPath(url: string): string | null {
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.origin === window.location.origin ? `${parsed.pathname}${parsed.search}${parsed.hash}` : null;
  } catch {
    return null;
  }
}

export function CartPage() {
  const shop = useShop();
  const { t, money } = useI18n();
  const navigate = useNavigate();
  const cart = useCart(shop.slug);
  const saved = useSavedOrders(shop.slug);
  const id = useId();
  const [email, setEmail] = useState(rememberedEmail);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [soldOut, setSoldOut] = useState(false);
  // One key per checkout attempt: a double submit or a retried request never places two orders.
  const checkoutKey = useRef(newIdempotencyKey());
  const catalog = useLoad(
    (signal) =>
      request<Page<Product>>("GET", `/v1/shops/${encodeURIComponent(shop.slug)}/products?limit=100`, { signal }),
    [shop.slug, soldOut],
  );
  const availability = new Map<string, number | null>();
  for (const product of catalog.data?.data ?? []) {
    for (const sku of product.skus) availability.set(sku.id, sku.available);
  }

  const lines = cart.lines;
  const currency = lines[0]?.unitPrice.currency ?? "CNY";
  const mixed = lines.some((line) => line.unitPrice.currency !== currency);
  const total: Money = {
    amount: lines.reduce((sum, line) => sum + line.unitPrice.amount * line.quantity, 0),
    currency,
  };
  const unavailable = lines.filter((line) => {
    if (!catalog.data) return false;
    if (!availability.has(line.skuId)) return true;
    const available = availability.get(line.skuId);
    return available !== null && available !== undefined && available < line.quantity;
  });

  const checkout = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSoldOut(false);
    try {
      const device = deviceId();
      const order = await request<CreatedOrder>("POST", `/v1/shops/${encodeURIComponent(shop.slug)}/orders`, {
        json: {
          email: email.trim(),
          items: lines.map((line) => ({
            skuId: line.skuId,
            quantity: line.quantity,
            ...(line.recipient ? { recipient: line.recipient } : {}),
          })),
          // A subscription in the cart renews on the buyer's calendar.
          timeZone: timeZone(),
        },
        idempotencyKey: checkoutKey.current,
        ...(device ? { deviceId: device } : {}),
      });
      rememberEmail(email.trim());
      saved.save({
        orderId: order.id,
        accessToken: order.accessToken,
        email: order.email,
        createdAt: order.createdAt,
        total: order.total,
        items: order.items,
        paymentId: order.payment?.id ?? null,
      });
      cart.clear();
      checkoutKey.current = newIdempotencyKey();
      const checkoutUrl = order.payment?.checkoutUrl;
      const local = checkoutUrl ? localPath(checkoutUrl) : null;
      if (checkoutUrl && !local) window.location.assign(checkoutUrl);
      else navigate(local ?? shopPath(shop.slug, `/orders/${order.id}`));
    } catch (reason) {
      if (reason instanceof ApiProblem && reason.code === "insufficient_stock") {
        setSoldOut(true);
        checkoutKey.current = newIdempotencyKey();
      } else if (reason instanceof ApiProblem && reason.code === "idempotency_key_reused") {
        // The cart changed since the last attempt: that is a new order.
        checkoutKey.current = newIdempotencyKey();
        setError(reason);
      } else setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>{t("shop.cart")}</h1>
      {lines.length === 0 ? (
        <div className="empty">
          <p>{t("shop.cartEmpty")}</p>
          <p>
            <Link to={shopPath(shop.slug)} className="button">
              {t("shop.backToShop")}
            </Link>
          </p>
        </div>
      ) : (
        <>
          <ul className="cart-list">
            {lines.map((line) => {
              const out = unavailable.includes(line);
              return (
                <li key={lineKey(line)} className={out ? "cart-line unavailable" : "cart-line"}>
                  <div>
                    <p className="cart-name">
                      {line.productId ? (
                        <Link to={shopPath(shop.slug, `/p/${line.productId}`)}>{line.productName}</Link>
                      ) : (
                        line.productName
                      )}
                    </p>
                    <p className="muted small">
                      {line.skuName} · {money(line.unitPrice)}
                    </p>
                    {line.recipient ? (
                      <p className="small">
                        {t("recipient.for", { recipient: Object.values(line.recipient).join(" · ") })}
                      </p>
                    ) : null}
                    {out ? <p className="error-text small">{t("shop.lineSoldOut")}</p> : null}
                  </div>
                  <div className="cart-qty">
                    <label htmlFor={`${id}-${lineKey(line)}`} className="sr-only">
                      {t("shop.quantityOf", { name: line.productName })}
                    </label>
                    <input
                      id={`${id}-${lineKey(line)}`}
                      type="number"
                      min={0}
                      max={100}
                      value={line.quantity}
                      onChange={(event) => cart.setQuantity(lineKey(line), Number(event.target.value) || 0)}
                    />
                    <button type="button" className="button small" onClick={() => cart.remove(lineKey(line))}>
                      {t("remove")}
                    </button>
                  </div>
                  <p className="cart-subtotal">
                    {money({ ...line.unitPrice, amount: line.unitPrice.amount * line.quantity })}
                  </p>
                </li>
              );
            })}
          </ul>
          <p className="cart-total">
            {t("shop.total")}: <strong data-testid="cart-total">{money(total)}</strong>
          </p>
          {soldOut ? (
            <Notice tone="error" title={t("shop.soldOut")} live>
              {t("shop.checkoutSoldOut")}
            </Notice>
          ) : null}
          {mixed ? <Notice tone="warning">{t("shop.mixedCurrencies")}</Notice> : null}
          <ErrorNotice error={error} />
          <form onSubmit={checkout} className="card stack checkout">
            <h2>{t("shop.checkout")}</h2>
            <div className="field">
              <label htmlFor={`${id}-email`}>{t("email")}</label>
              <input
                id={`${id}-email`}
                type="email"
                autoComplete="email"
                required
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />
              <p className="hint">{t("shop.emailHint")}</p>
            </div>
            <button type="submit" className="button primary" disabled={busy || mixed || unavailable.length > 0}>
              {busy ? t("shop.placing") : t("shop.placeOrder", { total: money(total) })}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
