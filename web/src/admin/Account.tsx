// The signed-in staff member's own account: role, and the TOTP second factor.
import { type FormEvent, useId, useState } from "react";
import { QrCode } from "../components/QrCode";
import { ErrorNotice, Notice } from "../components/ui";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import { useAdmin } from "./session";

export function AccountPage() {
  const { me, api, role } = useAdmin();
  const { t } = useI18n();
  const id = useId();
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [enabled, setEnabled] = useState(Boolean(me.staff.totpEnabled));
  const [code, setCode] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await action();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const start = () => run(async () => setEnrolment(await api.post("/v1/admin/me/totp")));
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.post("/v1/admin/me/totp/confirm", { code: code.trim() });
      setEnabled(true);
      setEnrolment(null);
      setCode("");
      setMessage(t("account.totpOn"));
    });
  };
  const disable = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.del("/v1/admin/me/totp", { code: code.trim() });
      setEnabled(false);
      setCode("");
      setMessage(t("account.totpOff"));
    });
  };

  return (
    <section>
      <h1>{t("account.title")}</h1>
      <div className="card">
        <dl className="facts">
          <div>
            <dt>{t("email")}</dt>
            <dd>{me.staff.email}</dd>
          </div>
          <div>
            <dt>{t("staff.role")}</dt>
            <dd>{t(`role.${role}` as MessageKey)}</dd>
          </div>
          {me.merchant ? (
            <div>
              <dt>{t("account.merchant")}</dt>
              <dd>
                {me.merchant.name} <span className="muted mono">/s/{me.merchant.slug}</span>
              </dd>
            </div>
          ) : null}
        </dl>
      </div>
      <section className="card stack">
        <h2>{t("account.totp")}</h2>
        <ErrorNotice error={error} />
        {message ? (
          <Notice tone="success" live>
            {message}
          </Notice>
        ) : null}
        {enabled ? (
          <form onSubmit={disable} className="inline-form">
            <p>{t("account.totpEnabled")}</p>
            <div className="field">
              <label htmlFor={`${id}-off`}>{t("signIn.totp")}</label>
              <input
                id={`${id}-off`}
                inputMode="numeric"
                autoComplete="one-time-code"
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </div>
            <button type="submit" className="button danger" disabled={busy}>
              {t("account.disableTotp")}
            </button>
          </form>
        ) : enrolment ? (
          <form onSubmit={confirm} className="stack">
            <p>{t("account.scan")}</p>
            <QrCode value={enrolment.otpauthUrl} label={t("account.qrLabel")} />
            <p className="small">
              {t("account.secret")}:{" "}
              <span className="mono" data-testid="totp-secret">
                {enrolment.secret}
              </span>
            </p>
            <div className="field">
              <label htmlFor={`${id}-on`}>{t("signIn.totp")}</label>
              <input
                id={`${id}-on`}
                inputMode="numeric"
                autoComplete="one-time-code"
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </div>
            <button type="submit" className="button primary" disabled={busy}>
              {t("account.confirmTotp")}
            </button>
          </form>
        ) : (
          <>
            <p>{t("account.totpIntro")}</p>
            <button type="button" className="button primary" onClick={start} disabled={busy}>
              {t("account.enableTotp")}
            </button>
          </>
        )}
      </section>
    </section>
  );
}
