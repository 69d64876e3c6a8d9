// The buyer's order page: the codes the moment the order is fulfilled (it polls until then),
// a copy button and a QR code for each, the usage instructions, rebuy and a help form.
// The access token arrives in the URL fragment (#t=…) of the confirmation link, which browsers
// never send to a server or in a referrer; it is stored and the fragment is removed at once.
import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { Markdown } from "../components/Markdown";
import { QrCode } from "../components/QrCode";
import { CopyButton, ErrorNotice, Loading, Notice, StatusBadge } from "../components/ui";
import { ApiProblem, request } from "../lib/api";
import { useI18n } from "../lib/i18n";
import type { CodeUsage, Delivery, OrderStatus, ProductKind, ShopOrder } from "../lib/types";
import { LookupForm } from "./MyOrders";
import { shopPath, useShop } from "./ShopApp";
import { SubscriptionCard } from "./SubscriptionCard";
import { useCart, useSavedOrders } from "./storage";

const POLL_MS: Partial<Record<OrderStatus, number>> = {
  awaiting_payment: 2_000,
  paid: 700,
  on_hold: 15_000,
};
const POLL_LIMIT_MS = 15 * 60_000;

export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const token = params.get("t");
  return token && token.length <= 200 ? token : null;
}

export function OrderPage() {
  const { orderId = "" } = useParams();
  const shop = useShop();
  const location = useLocation();
  const navigate = useNavigate();
  const saved = useSavedOrders(shop.slug);
  const fragmentToken = tokenFromFragment(location.hash);
  const token = fragmentToken ?? saved.find(orderId)?.accessToken ?? null;
  // A token the server refused (404): ask for the order again instead.
  const [refused, setRefused] = useState<string | null>(null);

  // Keep a token from the fragment, then drop the fragment from the address bar and history.
  useEffect(() => {
    if (!fragmentToken) return;
    saved.save({ orderId, accessToken: fragmentToken });
    navigate({ pathname: location.pathname, search: location.search, hash: "" }, { replace: true });
  }, [fragmentToken, location.pathname, location.search, orderId, navigate, saved.save]);

  const onForbidden = useCallback(() => setRefused(token), [token]);
  if (!token || token === refused) return <NoToken orderId={orderId} />;
  return <OrderView key={`${orderId}:${token}`} orderId={orderId} token={token} onForbidden={onForbidden} />;
}

function NoToken({ orderId }: { orderId: string }) {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t("shop.findOrder")}</h1>
      <p className="muted">{t("shop.noTokenBody")}</p>
      <LookupForm initialOrderId={orderId} />
    </section>
  );
}

function OrderView({ orderId, token, onForbidden }: { orderId: string; token: string; onForbidden: () => void }) {
  const shop = useShop();
  const { t, money, dateTime } = useI18n();
  const saved = useSavedOrders(shop.slug);
  const cart = useCart(shop.slug);
  const navigate = useNavigate();
  const [order, setOrder] = useState<ShopOrder | null>(null);
  const [error, setError] = useState<unknown>(null);
  const started = useRef(Date.now());
  // Bumped to read the order again at once (after a cancellation).
  const [version, setVersion] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` asks for a fresh read
  useEffect(() => {
    let timer: number | undefined;
    let stopped = false;
    const controller = new AbortController();
    const load = async () => {
      try {
        const next = await request<ShopOrder>(
          "GET",
          `/v1/shops/${encodeURIComponent(shop.slug)}/orders/${encodeURIComponent(orderId)}`,
          { bearer: token, signal: controller.signal },
        );
        if (stopped) return;
        setOrder(next);
        setError(null);
        const wait = POLL_MS[next.status];
        if (wait && Date.now() - started.current < POLL_LIMIT_MS) timer = window.setTimeout(load, wait);
      } catch (reason) {
        if (stopped || (reason instanceof DOMException && reason.name === "AbortError")) return;
        if (reason instanceof ApiProblem && (reason.status === 404 || reason.status === 401)) {
          onForbidden();
          return;
        }
        setError(reason);
        timer = window.setTimeout(load, 5_000);
      }
    };
    void load();
    return () => {
      stopped = true;
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [shop.slug, orderId, token, onForbidden, version]);

  useEffect(() => {
    if (!order) return;
    saved.save({
      orderId: order.id,
      accessToken: token,
      email: order.email,
      createdAt: order.createdAt,
      total: order.total,
      items: order.items,
      paymentId: order.payment?.id ?? null,
    });
  }, [order, token, saved.save]);

  if (!order) {
    return (
      <section>
        <h1>{t("shop.order")}</h1>
        <ErrorNotice error={error} />
        {!error ? <Loading /> : null}
      </section>
    );
  }

  const rebuy = () => {
    cart.replace(
      order.items.map((item) => ({
        skuId: item.skuId,
        productId: null,
        productName: item.productName,
        skuName: item.skuName,
        kind: item.kind,
        unitPrice: item.unitPrice,
        quantity: item.quantity,
      })),
    );
    navigate(shopPath(shop.slug, "/cart"));
  };
  const payPath =
    order.payment?.provider === "sandbox" ? shopPath(shop.slug, `/pay/sandbox/${order.payment.id}`) : null;
  const accessLink = `${window.location.origin}${shopPath(shop.slug, `/orders/${order.id}`)}#t=${encodeURIComponent(token)}`;

  return (
    <section className="order-page">
      <h1>
        {t("shop.order")} <span className="mono small-heading">{order.id}</span>
      </h1>
      <p className="muted">
        {dateTime(order.createdAt)} · {order.email} · <StatusBadge status={order.status} />
      </p>
      <StatusMessage order={order} payPath={payPath} />
      {order.status === "fulfilled" || order.status === "partially_refunded" ? <Deliveries order={order} /> : null}
      {(order.subscriptions ?? []).map((subscription) => (
        <SubscriptionCard
          key={subscription.id}
          orderId={order.id}
          token={token}
          subscription={subscription}
          onChanged={() => setVersion((v) => v + 1)}
        />
      ))}

      <section className="card">
        <h2>{t("orders.items")}</h2>
        <ul className="plain-list">
          {order.items.map((item) => (
            <li key={item.id ?? item.skuId}>
              {item.productName} · {item.skuName} × {item.quantity} — {money(item.unitPrice)}
              {item.components ? (
                <ul className="plain-list components" aria-label={t("bundle.inside")}>
                  {item.components.map((component) => (
                    <li key={component.id}>
                      {component.productName} · {component.skuName} × {component.quantity}
                      {component.refundedAt ? (
                        <>
                          {" "}
                          <StatusBadge status="refunded" />
                        </>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
        <p>
          {t("shop.total")}: <strong>{money(order.total)}</strong>
        </p>
        <div className="actions">
          <button type="button" className="button" onClick={rebuy}>
            {t("shop.rebuy")}
          </button>
        </div>
      </section>

      <section className="card stack">
        <h2>{t("shop.accessLink")}</h2>
        <p className="hint">{t("shop.accessLinkHint")}</p>
        <div>
          <CopyButton text={accessLink} label={t("shop.copyLink")} className="button" />
        </div>
      </section>

      <HelpForm orderId={order.id} token={token} />
      <ErrorNotice error={error} />
    </section>
  );
}

function StatusMessage({ order, payPath }: { order: ShopOrder; payPath: string | null }) {
  const { t, dateTime } = useI18n();
  const shop = useShop();
  switch (order.status) {
    case "awaiting_payment":
      return (
        <Notice tone="warning" title={t("shop.pending.title")} live>
          <p>{t("shop.pending.body", { at: dateTime(order.expiresAt) })}</p>
          {payPath ? (
            <p>
              <Link to={payPath} className="button primary">
                {t("shop.payNow")}
              </Link>
            </p>
          ) : null}
        </Notice>
      );
    case "payment_failed":
      return (
        <Notice tone="error" title={t("shop.failed.title")} live>
          <p>{t("shop.failed.body")}</p>
          {payPath ? (
            <p>
              <Link to={payPath} className="button primary">
                {t("shop.tryAgain")}
              </Link>
            </p>
          ) : null}
        </Notice>
      );
    case "paid":
      return (
        <Notice tone="info" title={t("shop.paid.title")} live>
          <Loading label={t("shop.paid.body")} />
        </Notice>
      );
    case "on_hold":
      return (
        <Notice tone="warning" title={t("shop.onHold.title")} live>
          <p>{t("shop.onHold.body")}</p>
        </Notice>
      );
    case "expired":
      return (
        <Notice tone="warning" title={t("shop.expired.title")} live>
          <p>{t("shop.expired.body")}</p>
          <p>
            <Link to={shopPath(shop.slug)}>{t("shop.backToShop")}</Link>
          </p>
        </Notice>
      );
    case "refunded":
      return (
        <Notice tone="info" title={t("shop.refunded.title")} live>
          <p>{t("shop.refunded.body", { at: dateTime(order.refundedAt) })}</p>
        </Notice>
      );
    case "partially_refunded":
      return (
        <Notice tone="info" title={t("shop.partiallyRefunded.title")} live>
          <p>{t("shop.partiallyRefunded.body")}</p>
        </Notice>
      );
    case "fulfilled":
      return (
        <Notice tone="success" title={t("shop.fulfilled.title")} live>
          <p>{t("shop.fulfilled.body")}</p>
        </Notice>
      );
    default:
      return null;
  }
}

function Deliveries({ order }: { order: ShopOrder }) {
  const { t } = useI18n();
  const lines = order.items.flatMap((item) => [item, ...(item.components ?? [])]);
  const kindOf = (delivery: Delivery) => lines.find((line) => line.skuId === delivery.skuId)?.kind;
  const labels = (delivery: Delivery) => {
    const kind = kindOf(delivery);
    if (kind === "voucher" || kind === "stored_value" || kind === "time_card") {
      return { code: "shop.voucherCode", copy: "shop.copyVoucher" } as const;
    }
    if (kind === "licence") return { code: "shop.licenceKey", copy: "shop.copyLicence" } as const;
    if (kind === "shared_account") return { code: "shop.login", copy: "shop.copyLogin" } as const;
    return { code: "shop.code", copy: "shop.copyCode" } as const;
  };
  // One usage guide per SKU, after its codes.
  const skus = [...new Set(order.deliveries.map((delivery) => delivery.skuId))];
  return (
    <section className="deliveries" aria-label={t("shop.yourCodes")}>
      <h2>{t("shop.yourCodes")}</h2>
      {skus.map((skuId) => {
        const group = order.deliveries.filter((delivery) => delivery.skuId === skuId);
        const instructions = group[0]?.instructions;
        return (
          <div key={skuId} className="card stack">
            <h3>{group[0]?.productName}</h3>
            {group[0] && kindOf(group[0]) === "shared_account" ? (
              <p className="muted" data-testid="shared-account-note">
                {t("shop.sharedAccount")}
              </p>
            ) : null}
            <ul className="code-list">
              {group.map((delivery) => (
                <li key={delivery.code} className="code-card" data-testid="delivery">
                  <div className="code-main">
                    <p className="code-label">{t(labels(delivery).code)}</p>
                    <p className="mono code-text" data-testid="delivery-code">
                      {delivery.code}
                    </p>
                    {delivery.secret ? (
                      <>
                        <p className="code-label">{t("shop.secret")}</p>
                        <p className="mono code-text" data-testid="delivery-secret">
                          {delivery.secret}
                        </p>
                      </>
                    ) : null}
                    <div className="actions">
                      <CopyButton text={delivery.code} label={t(labels(delivery).copy)} />
                      {delivery.secret ? <CopyButton text={delivery.secret} label={t("shop.copySecret")} /> : null}
                    </div>
                  </div>
                  {delivery.usage ? <CodeUsageLine kind={kindOf(delivery)} usage={delivery.usage} /> : null}
                  {kindOf(delivery) === "voucher" ||
                  kindOf(delivery) === "stored_value" ||
                  kindOf(delivery) === "time_card" ? (
                    <QrCode value={delivery.code} label={t("shop.qrOf", { code: delivery.code })} />
                  ) : null}
                </li>
              ))}
            </ul>
            {instructions ? (
              <div className="instructions">
                <h4>{t("shop.howToUse")}</h4>
                <Markdown source={instructions} />
              </div>
            ) : null}
          </div>
        );
      })}
    </section>
  );
}

/** What a minted code has left: its balance, uses, validity window or seats. */
function CodeUsageLine({ kind, usage }: { kind: ProductKind | undefined; usage: CodeUsage }) {
  const { t, money, dateTime } = useI18n();
  const parts = [t(`status.${usage.status}`)];
  if (usage.balance) {
    parts.push(t("shop.balanceLeft", { amount: money(usage.balance), total: money(usage.balanceTotal) }));
  } else if (usage.seats) {
    parts.push(t("shop.seatsUsed", { used: usage.seats.used, total: usage.seats.total }));
  } else if (kind === "voucher") {
    parts.push(t("shop.usesLeftN", { n: usage.remainingUses }));
  }
  if (usage.validUntil) parts.push(t("shop.validUntil", { at: dateTime(usage.validUntil) }));
  else if (kind === "time_card" && !usage.activatedAt) parts.push(t("shop.startsOnFirstUse"));
  return (
    <p className="muted small" data-testid="code-usage">
      {parts.join(" · ")}
    </p>
  );
}

function HelpForm({ orderId, token }: { orderId: string; token: string }) {
  const shop = useShop();
  const { t } = useI18n();
  const id = useId();
  const [message, setMessage] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const ticket = await request<{ id: string }>(
        "POST",
        `/v1/shops/${encodeURIComponent(shop.slug)}/orders/${encodeURIComponent(orderId)}/tickets`,
        { bearer: token, json: { message: message.trim() } },
      );
      setSent(ticket.id);
      setMessage("");
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack">
      <h2>{t("shop.help")}</h2>
      {sent ? (
        <Notice tone="success" live>
          {t("shop.helpSent", { id: sent })}
        </Notice>
      ) : null}
      <ErrorNotice error={error} />
      <form onSubmit={submit} className="stack">
        <div className="field">
          <label htmlFor={`${id}-message`}>{t("shop.helpMessage")}</label>
          <textarea
            id={`${id}-message`}
            rows={4}
            required
            maxLength={5000}
            value={message}
            onChange={(event) => setMessage(event.target.value)}
          />
        </div>
        <div>
          <button type="submit" className="button" disabled={busy || message.trim() === ""}>
            {t("shop.helpSend")}
          </button>
        </div>
      </form>
    </section>
  );
}
