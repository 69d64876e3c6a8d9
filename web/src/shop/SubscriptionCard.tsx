// A subscription on its order's page: its state, the paid period, the next renewal, the
// renewals so far (each its own order, opened with this order's link), and a way to cancel.
import { useRef, useState } from "react";
import { Link } from "react-router";
import { ErrorNotice, Notice, StatusBadge } from "../components/ui";
import { newIdempotencyKey, request } from "../lib/api";
import { useI18n } from "../lib/i18n";
import type { OrderSubscription } from "../lib/types";
import { renewalText } from "./BundleContents";
import { shopPath, useShop } from "./ShopApp";

export function SubscriptionCard({
  orderId,
  token,
  subscription,
  onChanged,
}: {
  orderId: string;
  token: string;
  subscription: OrderSubscription;
  onChanged: () => void;
}) {
  const shop = useShop();
  const { t, money, dateTime } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const key = useRef(newIdempotencyKey());
  const s = subscription;
  const renews = s.status === "active" || s.status === "past_due";

  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      await request(
        "POST",
        `/v1/shops/${encodeURIComponent(shop.slug)}/orders/${encodeURIComponent(orderId)}/subscriptions/${encodeURIComponent(s.id)}/cancel`,
        { bearer: token, idempotencyKey: key.current },
      );
      setConfirming(false);
      onChanged();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" data-testid="subscription">
      <h2>
        {t("shop.subscription")} <StatusBadge status={s.status} />
      </h2>
      <p>
        {s.productName} · {s.skuName} × {s.quantity} — {money(s.price)} · {renewalText(t, s.renewal)}
      </p>
      <dl className="facts">
        <div>
          <dt>{t("subscription.period")}</dt>
          <dd>
            {dateTime(s.currentPeriod.start)} – {dateTime(s.currentPeriod.end)}
          </dd>
        </div>
        {s.nextRenewalAt ? (
          <div>
            <dt>{t("subscriptions.nextRenewal")}</dt>
            <dd data-testid="next-renewal">{dateTime(s.nextRenewalAt)}</dd>
          </div>
        ) : null}
        {s.endsAt ? (
          <div>
            <dt>{t("subscription.endsAt")}</dt>
            <dd>{dateTime(s.endsAt)}</dd>
          </div>
        ) : null}
        {s.paymentMethod ? (
          <div>
            <dt>{t("subscription.paymentMethod")}</dt>
            <dd>{s.paymentMethod}</dd>
          </div>
        ) : null}
      </dl>
      {s.status === "past_due" ? <Notice tone="warning">{t("shop.subscriptionPastDue")}</Notice> : null}
      {s.renewals.length > 0 ? (
        <ul className="plain-list">
          {s.renewals.map((renewal) => (
            <li key={renewal.period}>
              {t("subscription.periodN")} {renewal.period + 1}:{" "}
              <Link
                to={`${shopPath(shop.slug, `/orders/${renewal.orderId}`)}#t=${encodeURIComponent(token)}`}
                className="mono"
              >
                {renewal.orderId}
              </Link>{" "}
              <StatusBadge status={renewal.status} />
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorNotice error={error} />
      {renews && !confirming ? (
        <div className="actions">
          <button type="button" className="button" onClick={() => setConfirming(true)}>
            {t("shop.cancelSubscription")}
          </button>
        </div>
      ) : null}
      {renews && confirming ? (
        <>
          <Notice tone="warning">{t("shop.cancelSubscriptionWarning", { at: dateTime(s.currentPeriod.end) })}</Notice>
          <div className="actions">
            <button type="button" className="button danger" disabled={busy} onClick={cancel}>
              {t("shop.confirmCancelSubscription")}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              {t("shop.keepSubscription")}
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}
