// The invite token travels from the owner to the invitee by hand (it is shown once on the staff
// page) and is pasted here: it never appears in a URL.
import { type FormEvent, useId, useState } from "react";
import { Link } from "react-router";
import { ErrorNotice, Notice } from "../components/ui";
import { request } from "../lib/api";
import { LanguageSwitch, useI18n } from "../lib/i18n";

export function AcceptInvitePage() {
  const { t } = useI18n();
  const id = useId();
  const [token, setToken] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const mismatch = confirm !== "" && confirm !== password;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await request("POST", "/v1/admin/invitations/accept", { json: { token: token.trim(), password } });
      setDone(true);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-page">
      <header className="auth-header">
        <span className="brand">Tessera</span>
        <LanguageSwitch />
      </header>
      <main id="main" className="auth-card">
        <h1>{t("invite.title")}</h1>
        {done ? (
          <Notice tone="success" live>
            <p>{t("invite.done")}</p>
            <p>
              <Link to="/admin/sign-in">{t("signIn.submit")}</Link>
            </p>
          </Notice>
        ) : (
          <form onSubmit={submit} className="stack">
            <p className="muted">{t("invite.body")}</p>
            <ErrorNotice error={error} />
            <div className="field">
              <label htmlFor={`${id}-token`}>{t("invite.token")}</label>
              <input
                id={`${id}-token`}
                className="mono"
                autoComplete="off"
                required
                value={token}
                onChange={(event) => setToken(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-password`}>{t("invite.password")}</label>
              <input
                id={`${id}-password`}
                type="password"
                autoComplete="new-password"
                minLength={12}
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
              <p className="hint">{t("invite.passwordHint")}</p>
            </div>
            <div className="field">
              <label htmlFor={`${id}-confirm`}>{t("invite.confirm")}</label>
              <input
                id={`${id}-confirm`}
                type="password"
                autoComplete="new-password"
                required
                aria-invalid={mismatch}
                value={confirm}
                onChange={(event) => setConfirm(event.target.value)}
              />
              {mismatch ? <p className="hint error-text">{t("invite.mismatch")}</p> : null}
            </div>
            <button type="submit" className="button primary" disabled={busy || mismatch}>
              {t("invite.submit")}
            </button>
          </form>
        )}
        <p className="muted small">
          <Link to="/admin/sign-in">{t("signIn.title")}</Link>
        </p>
      </main>
    </div>
  );
}
