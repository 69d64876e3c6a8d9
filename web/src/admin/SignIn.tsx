import { type FormEvent, useId, useState } from "react";
import { Link } from "react-router";
import { Notice } from "../components/ui";
import { ApiProblem, request } from "../lib/api";
import { LanguageSwitch, useI18n } from "../lib/i18n";
import type { Me, Staff } from "../lib/types";
import type { StoredSession } from "./session";

interface SignedIn {
  csrfToken: string;
  expiresAt: string;
  staff: Staff;
}

export function SignInPage({
  reason,
  onSignedIn,
}: {
  reason: "none" | "expired" | "signedOut";
  onSignedIn: (session: StoredSession) => void;
}) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, string> = { email, password };
      if (needTotp && totp) body.totp = totp.replace(/\s/g, "");
      const session = await request<SignedIn>("POST", "/v1/admin/sessions", { json: body });
      // GET /v1/admin/me adds the merchant; the sign-in answer alone is enough to go on.
      let me: Me = { staff: session.staff, merchant: null, csrfToken: session.csrfToken };
      try {
        me = await request<Me>("GET", "/v1/admin/me");
      } catch {
        // Keep the sign-in answer.
      }
      onSignedIn({ me, expiresAt: session.expiresAt });
    } catch (reason) {
      if (reason instanceof ApiProblem) {
        if (reason.code === "totp_required") {
          setNeedTotp(true);
          setError(needTotp ? t("signIn.totpRequired") : null);
        } else if (reason.code === "account_locked") {
          const minutes = reason.retryAfterSeconds ? Math.ceil(reason.retryAfterSeconds / 60) : null;
          setError(minutes ? t("signIn.lockedFor", { minutes }) : t("signIn.locked"));
        } else if (reason.code === "invalid_credentials") {
          setError(needTotp ? t("signIn.invalidWithTotp") : t("signIn.invalid"));
        } else if (reason.code === "rate_limited") {
          setError(t("error.rateLimited"));
        } else {
          setError(reason.detail ?? t("error.generic", { status: reason.status }));
        }
      } else {
        setError(String(reason));
      }
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
        <h1>{t("signIn.title")}</h1>
        {reason === "expired" ? <Notice tone="warning">{t("signIn.expired")}</Notice> : null}
        {reason === "signedOut" ? <Notice tone="info">{t("signIn.signedOut")}</Notice> : null}
        {error ? (
          <Notice tone="error" live>
            {error}
          </Notice>
        ) : null}
        <form onSubmit={submit} className="stack">
          <div className="field">
            <label htmlFor={`${id}-email`}>{t("email")}</label>
            <input
              id={`${id}-email`}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>{t("password")}</label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </div>
          {needTotp ? (
            <div className="field">
              <label htmlFor={`${id}-totp`}>{t("signIn.totp")}</label>
              <input
                id={`${id}-totp`}
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9 ]{6,8}"
                required
                // biome-ignore lint/a11y/noAutofocus: the field appears because the server asked for it
                autoFocus
                value={totp}
                onChange={(event) => setTotp(event.target.value)}
              />
              <p className="hint">{t("signIn.totpHint")}</p>
            </div>
          ) : null}
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t("signIn.busy") : t("signIn.submit")}
          </button>
        </form>
        <p className="muted small">
          <Link to="/admin/accept-invite">{t("signIn.haveInvite")}</Link>
        </p>
      </main>
    </div>
  );
}
