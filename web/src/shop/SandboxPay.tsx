// The sandbox payment provider's checkout page: development and tests only. It finishes the
// payment, and the sandbox then posts its signed webhook to the Worker like a real provider.
import { useId, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ErrorNotice, Loading, Notice, StatusBadge } from "../components/ui";
import { request } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { SandboxPayment } from "../lib/types";
import { shopPath, useShop } from "./ShopApp";

export function SandboxPayPage() {
  const { paymentId = "" } = useParams();
  const shop = useShop();
  const { t, money } = useI18n();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // A test card of the sandbox (see packages/payments/src/saved-methods.ts): some decline.
  const [card, setCard] = useState("4242 4242 4242 4242");
  const id = useId();
  const payment = useLoad(
    (signal) => request<SandboxPayment>("GET", `/v1/sandbox/payments/${encodeURIComponent(paymentId)}`, { signal }),
    [paymentId],
  );
  const p = payment.data;

  const complete = async (outcome: "succeeded" | "failed") => {
    if (!p) return;
    setBusy(true);
    setError(null);
    try {
      await request("POST", `/v1/sandbox/payments/${encodeURIComponent(p.id)}/complete`, {
        json: { outcome, card: card.trim() },
      });
      navigate(shopPath(shop.slug, `/orders/${p.orderId}`), { replace: true });
    } catch (reason) {
      setError(reason);
      setBusy(false);
    }
  };

  return (
    <section className="pay-page">
      <h1>{t("pay.title")}</h1>
      <Notice tone="info">{t("pay.sandboxNote")}</Notice>
      <ErrorNotice error={payment.error ?? error} />
      {payment.loading && !p ? <Loading /> : null}
      {p ? (
        <div className="card stack pay-card">
          <p className="muted">{t("pay.merchant", { shop: shop.name })}</p>
          <p className="pay-amount" data-testid="pay-amount">
            {money(p.amount)}
          </p>
          <p className="muted small">
            {t("pay.order")} <span className="mono">{p.orderId}</span>
          </p>
          {p.status === "failed" ? <Notice tone="warning">{t("pay.previousFailed")}</Notice> : null}
          {/* A failed attempt may be paid again, as with a real provider's checkout. */}
          {p.status === "pending" || p.status === "failed" ? (
            <div className="field">
              <label htmlFor={`${id}-card`}>{t("pay.card")}</label>
              <input
                id={`${id}-card`}
                inputMode="numeric"
                autoComplete="off"
                className="mono"
                value={card}
                onChange={(event) => setCard(event.target.value)}
              />
              <p className="hint">{t("pay.cardHint")}</p>
              {p.savesPaymentMethod ? <Notice tone="info">{t("pay.savesCard")}</Notice> : null}
            </div>
          ) : null}
          {p.status === "pending" || p.status === "failed" ? (
            <div className="actions stretch">
              <button
                type="button"
                className="button primary big"
                disabled={busy}
                onClick={() => complete("succeeded")}
              >
                {t("pay.pay", { amount: money(p.amount) })}
              </button>
              <button type="button" className="button danger" disabled={busy} onClick={() => complete("failed")}>
                {t("pay.fail")}
              </button>
            </div>
          ) : (
            <>
              <p>
                {t("pay.alreadyDone")} <StatusBadge status={p.status} />
              </p>
              <p>
                <Link to={shopPath(shop.slug, `/orders/${p.orderId}`)} className="button">
                  {t("pay.toOrder")}
                </Link>
              </p>
            </>
          )}
          {busy ? <Loading label={t("pay.processing")} /> : null}
        </div>
      ) : null}
    </section>
  );
}
