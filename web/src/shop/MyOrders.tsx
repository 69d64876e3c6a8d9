import { type FormEvent, useId, useState } from "react";
import { Link, useNavigate } from "react-router";
import { EmptyState, Notice } from "../components/ui";
import { ApiProblem, request } from "../lib/api";
import { useI18n } from "../lib/i18n";
import { shopPath, useShop } from "./ShopApp";
import { rememberedEmail, useSavedOrders } from "./storage";

export function MyOrdersPage() {
  const shop = useShop();
  const { t, money, dateTime } = useI18n();
  const saved = useSavedOrders(shop.slug);
  return (
    <section>
      <h1>{t("shop.myOrders")}</h1>
      {saved.orders.length === 0 ? (
        <EmptyState>{t("shop.noSavedOrders")}</EmptyState>
      ) : (
        <ul className="order-list">
          {saved.orders.map((order) => (
            <li key={order.orderId} className="card">
              <Link to={shopPath(shop.slug, `/orders/${order.orderId}`)} className="mono">
                {order.orderId}
              </Link>
              <span className="muted small">
                {" "}
                {dateTime(order.createdAt)} {order.total ? `· ${money(order.total)}` : ""}
              </span>
              {order.items ? (
                <p className="small">
                  {order.items.map((item) => `${item.productName} × ${item.quantity}`).join(", ")}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <section className="card">
        <h2>{t("shop.findOrder")}</h2>
        <p className="muted">{t("shop.findOrderBody")}</p>
        <LookupForm />
      </section>
    </section>
  );
}

export function LookupForm({ initialOrderId = "" }: { initialOrderId?: string }) {
  const shop = useShop();
  const { t } = useI18n();
  const saved = useSavedOrders(shop.slug);
  const navigate = useNavigate();
  const id = useId();
  const [email, setEmail] = useState(rememberedEmail);
  const [orderId, setOrderId] = useState(initialOrderId);
  const [busy, setBusy] = useState(false);
  const [notFound, setNotFound] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setNotFound(false);
    setError(null);
    try {
      const found = await request<{ orderId: string; accessToken: string }>(
        "POST",
        `/v1/shops/${encodeURIComponent(shop.slug)}/order-lookups`,
        { json: { email: email.trim(), orderId: orderId.trim() } },
      );
      saved.save({ orderId: found.orderId, accessToken: found.accessToken, email: email.trim() });
      navigate(shopPath(shop.slug, `/orders/${found.orderId}`));
    } catch (reason) {
      if (reason instanceof ApiProblem && reason.status === 404) setNotFound(true);
      else if (reason instanceof ApiProblem && reason.code === "rate_limited") setError(t("error.rateLimited"));
      else setError(reason instanceof Error ? reason.message : String(reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="stack">
      {notFound ? (
        <Notice tone="warning" live>
          {t("shop.lookupNotFound")}
        </Notice>
      ) : null}
      {error ? (
        <Notice tone="error" live>
          {error}
        </Notice>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-email`}>{t("email")}</label>
        <input
          id={`${id}-email`}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-order`}>{t("shop.orderNumber")}</label>
        <input
          id={`${id}-order`}
          className="mono"
          required
          placeholder="ord_…"
          value={orderId}
          onChange={(e) => setOrderId(e.target.value)}
        />
      </div>
      <div>
        <button type="submit" className="button primary" disabled={busy}>
          {t("shop.lookup")}
        </button>
      </div>
    </form>
  );
}
