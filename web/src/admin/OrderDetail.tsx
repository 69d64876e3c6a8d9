import { type FormEvent, useId, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { CopyButton, ErrorNotice, Loading, Notice, StatusBadge } from "../components/ui";
import { newIdempotencyKey } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { AdminOrder, MaskedDelivery } from "../lib/types";
import { OrderLines } from "./OrderLines";
import { useAdmin } from "./session";

export function OrderDetailPage() {
  const { orderId = "" } = useParams();
  const { api, can } = useAdmin();
  const { t, money, dateTime } = useI18n();
  const order = useLoad((signal) => api.get<AdminOrder>(`/v1/admin/orders/${orderId}`, { signal }), [api, orderId]);
  const o = order.data;

  return (
    <section>
      <p>
        <Link to="/admin/orders">← {t("orders.title")}</Link>
      </p>
      <h1>
        {t("order.title")} <span className="mono small-heading">{orderId}</span>
      </h1>
      <ErrorNotice error={order.error} />
      {order.loading && !o ? <Loading /> : null}
      {o ? (
        <>
          <div className="card">
            <dl className="facts">
              <div>
                <dt>{t("orders.status")}</dt>
                <dd>
                  <StatusBadge status={o.status} />
                  {o.statusReason ? <span className="muted small"> {o.statusReason}</span> : null}
                </dd>
              </div>
              <div>
                <dt>{t("email")}</dt>
                <dd>{o.email}</dd>
              </div>
              <div>
                <dt>{t("orders.total")}</dt>
                <dd>{money(o.total)}</dd>
              </div>
              <div>
                <dt>{t("orders.created")}</dt>
                <dd>{dateTime(o.createdAt)}</dd>
              </div>
              {o.paidAt ? (
                <div>
                  <dt>{t("order.paidAt")}</dt>
                  <dd>{dateTime(o.paidAt)}</dd>
                </div>
              ) : null}
              {o.fulfilledAt ? (
                <div>
                  <dt>{t("order.fulfilledAt")}</dt>
                  <dd>{dateTime(o.fulfilledAt)}</dd>
                </div>
              ) : null}
              {o.refundedAt ? (
                <div>
                  <dt>{t("order.refundedAt")}</dt>
                  <dd>{dateTime(o.refundedAt)}</dd>
                </div>
              ) : null}
            </dl>
          </div>

          <OrderLines order={o} onChanged={order.setData} />

          <section className="card">
            <h2>{t("order.payment")}</h2>
            {o.payment ? (
              <dl className="facts">
                <div>
                  <dt>{t("order.paymentId")}</dt>
                  <dd className="mono">{o.payment.id}</dd>
                </div>
                <div>
                  <dt>{t("order.provider")}</dt>
                  <dd>{o.payment.provider}</dd>
                </div>
                <div>
                  <dt>{t("orders.status")}</dt>
                  <dd>
                    <StatusBadge status={o.payment.status} />
                  </dd>
                </div>
              </dl>
            ) : (
              <p className="muted">{t("order.noPayment")}</p>
            )}
          </section>

          <section className="card">
            <h2>{t("order.deliveries")}</h2>
            {o.deliveries.length === 0 ? (
              <p className="muted">{t("order.noDeliveries")}</p>
            ) : (
              <ul className="delivery-list">
                {o.deliveries.map((delivery) => (
                  <DeliveryRow key={delivery.id} orderId={o.id} delivery={delivery} canReveal={can("codes.reveal")} />
                ))}
              </ul>
            )}
            {!can("codes.reveal") ? <p className="hint">{t("order.revealForbidden")}</p> : null}
          </section>

          <OrderActions order={o} onChanged={order.setData} reload={order.reload} />
        </>
      ) : null}
    </section>
  );
}

function DeliveryRow({
  orderId,
  delivery,
  canReveal,
}: {
  orderId: string;
  delivery: MaskedDelivery;
  canReveal: boolean;
}) {
  const { api } = useAdmin();
  const { t } = useI18n();
  const [revealed, setRevealed] = useState<{ code: string; secret?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const reveal = async () => {
    setBusy(true);
    setError(null);
    try {
      setRevealed(
        await api.post<{ code: string; secret?: string }>(
          `/v1/admin/orders/${orderId}/deliveries/${delivery.id}/reveal`,
        ),
      );
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="delivery" data-testid="admin-delivery">
      <div className="delivery-code">
        {revealed ? (
          <>
            <span className="mono code-text" data-testid="revealed-code">
              {revealed.code}
            </span>
            {revealed.secret ? (
              <span className="mono">
                {t("order.secret")}: {revealed.secret}
              </span>
            ) : null}
            <CopyButton text={revealed.secret ? `${revealed.code} ${revealed.secret}` : revealed.code} />
            <button type="button" className="button small" onClick={() => setRevealed(null)}>
              {t("order.hide")}
            </button>
          </>
        ) : (
          <>
            <span className="mono code-text" data-testid="masked-code">
              {delivery.codeMasked}
            </span>
            {canReveal ? (
              <button type="button" className="button small" onClick={reveal} disabled={busy}>
                {t("order.reveal")}
              </button>
            ) : null}
          </>
        )}
      </div>
      {revealed ? <p className="hint">{t("order.revealAudited")}</p> : null}
      <ErrorNotice error={error} />
    </li>
  );
}

function OrderActions({
  order,
  onChanged,
  reload,
}: {
  order: AdminOrder;
  onChanged: (order: AdminOrder) => void;
  reload: () => void;
}) {
  const { api, can } = useAdmin();
  const { t } = useI18n();
  const id = useId();
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const refundKey = useRef(newIdempotencyKey());
  const refundable = can("orders.refund") && ["paid", "fulfilled", "partially_refunded"].includes(order.status);
  const resendable = can("orders.resend") && (order.status === "fulfilled" || order.status === "partially_refunded");
  // After a refund nothing is left to do, but the confirmation stays in view.
  if (!refundable && !resendable && !message) return null;

  const refund = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const updated = await api.post<AdminOrder>(
        `/v1/admin/orders/${order.id}/refund`,
        { reason: reason.trim() },
        { idempotencyKey: refundKey.current },
      );
      if (updated && Array.isArray(updated.deliveries)) onChanged(updated);
      else reload();
      setConfirming(false);
      setMessage(t("order.refunded"));
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const resend = async () => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await api.post(`/v1/admin/orders/${order.id}/resend`);
      setMessage(t("order.resent"));
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack">
      <h2>{t("actions")}</h2>
      <ErrorNotice error={error} />
      {message ? (
        <Notice tone="success" live>
          {message}
        </Notice>
      ) : null}
      <div className="actions">
        {resendable ? (
          <button type="button" className="button" onClick={resend} disabled={busy}>
            {t("order.resend")}
          </button>
        ) : null}
        {refundable && !confirming ? (
          <button type="button" className="button danger" onClick={() => setConfirming(true)} disabled={busy}>
            {t("order.refund")}
          </button>
        ) : null}
      </div>
      {refundable && confirming ? (
        <form onSubmit={refund} className="stack">
          <Notice tone="warning">{t("order.refundWarning")}</Notice>
          <div className="field">
            <label htmlFor={`${id}-reason`}>{t("order.refundReason")}</label>
            <input
              id={`${id}-reason`}
              required
              maxLength={500}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
          </div>
          <div className="actions">
            <button type="submit" className="button danger" disabled={busy || reason.trim() === ""}>
              {t("order.confirmRefund")}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              {t("cancel")}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
