// Subscriptions (周期购): their state, their renewals (each an order) and their history, and a
// cancellation staff can make for a customer who asks.
import { useId, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { EmptyState, ErrorNotice, Loading, Notice, Pager, StatusBadge, usePager } from "../components/ui";
import { newIdempotencyKey, type Page, query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import type { RenewalPlan, Subscription, SubscriptionDetail, SubscriptionStatus } from "../lib/types";
import { useAdmin } from "./session";

const STATUSES: SubscriptionStatus[] = ["active", "past_due", "canceled", "lapsed"];

export function useRenewalLabel() {
  const { t } = useI18n();
  return (plan: RenewalPlan) =>
    plan.every === 1
      ? t(`renewal.each.${plan.period}` as MessageKey)
      : t(`renewal.everyN.${plan.period}` as MessageKey, { n: plan.every });
}

export function SubscriptionsPage() {
  const { api } = useAdmin();
  const { t, money, dateTime } = useI18n();
  const id = useId();
  const pager = usePager();
  const renewalLabel = useRenewalLabel();
  const [status, setStatus] = useState("");
  const list = useLoad(
    (signal) =>
      api.get<Page<Subscription>>(`/v1/admin/subscriptions${query({ status, cursor: pager.cursor, limit: 25 })}`, {
        signal,
      }),
    [api, status, pager.cursor],
  );
  return (
    <section>
      <h1>{t("subscriptions.title")}</h1>
      <div className="filters card">
        <div className="field">
          <label htmlFor={`${id}-status`}>{t("orders.status")}</label>
          <select
            id={`${id}-status`}
            value={status}
            onChange={(event) => {
              pager.reset();
              setStatus(event.target.value);
            }}
          >
            <option value="">{t("orders.anyStatus")}</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {t(`status.${value}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.data.length === 0 ? <EmptyState>{t("subscriptions.empty")}</EmptyState> : null}
      {list.data && list.data.data.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="subscriptions-table">
            <thead>
              <tr>
                <th scope="col">{t("subscriptions.id")}</th>
                <th scope="col">{t("subscriptions.product")}</th>
                <th scope="col">{t("subscriptions.plan")}</th>
                <th scope="col">{t("subscriptions.price")}</th>
                <th scope="col">{t("subscriptions.nextRenewal")}</th>
                <th scope="col">{t("orders.status")}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((sub) => (
                <tr key={sub.id}>
                  <td>
                    <Link to={`/admin/subscriptions/${sub.id}`} className="mono">
                      {sub.id}
                    </Link>
                  </td>
                  <td>
                    {sub.productName} · {sub.skuName} × {sub.quantity}
                  </td>
                  <td>{renewalLabel(sub.renewal)}</td>
                  <td className="num">{money(sub.price)}</td>
                  <td>{sub.nextRenewalAt ? dateTime(sub.nextRenewalAt) : "—"}</td>
                  <td>
                    <StatusBadge status={sub.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.nextCursor} />
    </section>
  );
}

export function SubscriptionDetailPage() {
  const { subscriptionId = "" } = useParams();
  const { api, can } = useAdmin();
  const { t, money, dateTime } = useI18n();
  const renewalLabel = useRenewalLabel();
  const sub = useLoad(
    (signal) => api.get<SubscriptionDetail>(`/v1/admin/subscriptions/${subscriptionId}`, { signal }),
    [api, subscriptionId],
  );
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const cancelKey = useRef(newIdempotencyKey());
  const s = sub.data;

  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/v1/admin/subscriptions/${subscriptionId}/cancel`, undefined, {
        idempotencyKey: cancelKey.current,
      });
      setConfirming(false);
      sub.reload();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <p>
        <Link to="/admin/subscriptions">← {t("subscriptions.title")}</Link>
      </p>
      <h1>
        {t("subscription.title")} <span className="mono small-heading">{subscriptionId}</span>
      </h1>
      <ErrorNotice error={sub.error ?? error} />
      {sub.loading && !s ? <Loading /> : null}
      {s ? (
        <>
          <div className="card">
            <dl className="facts">
              <div>
                <dt>{t("orders.status")}</dt>
                <dd>
                  <StatusBadge status={s.status} />
                </dd>
              </div>
              <div>
                <dt>{t("subscriptions.product")}</dt>
                <dd>
                  {s.productName} · {s.skuName} × {s.quantity}
                </dd>
              </div>
              <div>
                <dt>{t("subscriptions.plan")}</dt>
                <dd>
                  {renewalLabel(s.renewal)} · {money(s.price)}
                </dd>
              </div>
              <div>
                <dt>{t("email")}</dt>
                <dd>{s.email}</dd>
              </div>
              <div>
                <dt>{t("subscription.period")}</dt>
                <dd>
                  {dateTime(s.currentPeriod.start)} – {dateTime(s.currentPeriod.end)}
                </dd>
              </div>
              <div>
                <dt>{t("subscriptions.nextRenewal")}</dt>
                <dd>{s.nextRenewalAt ? dateTime(s.nextRenewalAt) : "—"}</dd>
              </div>
              {s.endsAt ? (
                <div>
                  <dt>{t("subscription.endsAt")}</dt>
                  <dd>{dateTime(s.endsAt)}</dd>
                </div>
              ) : null}
              <div>
                <dt>{t("subscription.paymentMethod")}</dt>
                <dd>{s.paymentMethod ?? t("subscription.noPaymentMethod")}</dd>
              </div>
              <div>
                <dt>{t("subscription.firstOrder")}</dt>
                <dd>
                  <Link to={`/admin/orders/${s.sourceOrderId}`} className="mono">
                    {s.sourceOrderId}
                  </Link>
                </dd>
              </div>
            </dl>
          </div>

          <section className="card">
            <h2>{t("subscription.renewals")}</h2>
            {s.renewals.length === 0 ? (
              <p className="muted">{t("subscription.noRenewals")}</p>
            ) : (
              <div className="table-wrap">
                <table data-testid="renewals-table">
                  <thead>
                    <tr>
                      <th scope="col">{t("subscription.periodN")}</th>
                      <th scope="col">{t("orders.orderId")}</th>
                      <th scope="col">{t("orders.status")}</th>
                      <th scope="col">{t("subscription.attempts")}</th>
                      <th scope="col">{t("subscription.nextAttempt")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.renewals.map((renewal) => (
                      <tr key={renewal.period}>
                        <td className="num">{renewal.period + 1}</td>
                        <td>
                          <Link to={`/admin/orders/${renewal.orderId}`} className="mono">
                            {renewal.orderId}
                          </Link>
                        </td>
                        <td>
                          <StatusBadge status={renewal.status} />
                          {renewal.lastFailure ? <span className="muted small"> {renewal.lastFailure}</span> : null}
                        </td>
                        <td className="num">{renewal.attempts}</td>
                        <td>{renewal.nextAttemptAt ? dateTime(renewal.nextAttemptAt) : "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section className="card">
            <h2>{t("subscription.history")}</h2>
            {s.history.length === 0 ? (
              <p className="muted">{t("subscription.noHistory")}</p>
            ) : (
              <ol className="plain-list" data-testid="subscription-history">
                {s.history.map((event) => (
                  <li key={event.id}>
                    {dateTime(event.at)} ·{" "}
                    {t(`subscription.event.${event.kind}` as MessageKey, { n: event.period + 1 })}
                  </li>
                ))}
              </ol>
            )}
          </section>

          {can("orders.refund") && (s.status === "active" || s.status === "past_due") ? (
            <section className="card stack">
              <h2>{t("actions")}</h2>
              {confirming ? (
                <>
                  <Notice tone="warning">{t("subscription.cancelWarning")}</Notice>
                  <div className="actions">
                    <button type="button" className="button danger" disabled={busy} onClick={cancel}>
                      {t("subscription.confirmCancel")}
                    </button>
                    <button type="button" className="button" onClick={() => setConfirming(false)}>
                      {t("cancel")}
                    </button>
                  </div>
                </>
              ) : (
                <div className="actions">
                  <button type="button" className="button danger" onClick={() => setConfirming(true)}>
                    {t("subscription.cancel")}
                  </button>
                </div>
              )}
            </section>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
