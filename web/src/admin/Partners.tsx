import { type FormEvent, useId, useRef, useState } from "react";
import { EmptyState, ErrorNotice, Loading, ShownOnce } from "../components/ui";
import { newIdempotencyKey } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { Partner } from "../lib/types";
import { useAdmin } from "./session";

export function PartnersPage() {
  const { api } = useAdmin();
  const { t, dateTime } = useI18n();
  const id = useId();
  const partners = useLoad((signal) => api.get<{ data: Partner[] }>("/v1/admin/partners", { signal }), [api]);
  const [name, setName] = useState("");
  const [shown, setShown] = useState<{ label: string; key: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const createKey = useRef(newIdempotencyKey());

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      partners.reload();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      const created = await api.post<{ id: string; name: string; apiKey: string }>(
        "/v1/admin/partners",
        { name: name.trim() },
        { idempotencyKey: createKey.current },
      );
      createKey.current = newIdempotencyKey();
      setShown({ label: t("partners.keyFor", { name: created.name }), key: created.apiKey });
      setName("");
    });
  };

  const addKey = (partner: Partner) =>
    act(async () => {
      const created = await api.post<{ id: string; apiKey: string }>(
        `/v1/admin/partners/${partner.id}/keys`,
        {},
        { idempotencyKey: newIdempotencyKey() },
      );
      setShown({ label: t("partners.keyFor", { name: partner.name }), key: created.apiKey });
    });

  const revoke = (keyId: string) => {
    if (!window.confirm(t("partners.confirmRevoke"))) return;
    void act(async () => {
      await api.del(`/v1/admin/api-keys/${keyId}`);
    });
  };

  return (
    <section>
      <h1>{t("partners.title")}</h1>
      <p className="muted">{t("partners.intro")}</p>
      {shown ? <ShownOnce label={shown.label} value={shown.key} /> : null}
      <ErrorNotice error={error} />
      <form onSubmit={create} className="card inline-form">
        <div className="field">
          <label htmlFor={`${id}-name`}>{t("partners.name")}</label>
          <input id={`${id}-name`} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className="button primary" disabled={busy || !name.trim()}>
          {t("partners.create")}
        </button>
      </form>
      <ErrorNotice error={partners.error} />
      {partners.loading && !partners.data ? <Loading /> : null}
      {partners.data && partners.data.data.length === 0 ? <EmptyState>{t("partners.empty")}</EmptyState> : null}
      {partners.data?.data.map((partner) => (
        <section key={partner.id} className="card">
          <div className="page-head">
            <h2>{partner.name}</h2>
            <button type="button" className="button small" disabled={busy} onClick={() => addKey(partner)}>
              {t("partners.newKey")}
            </button>
          </div>
          <p className="muted small">
            <span className="mono">{partner.id}</span> · {dateTime(partner.createdAt)}
          </p>
          {partner.keys.length === 0 ? (
            <p className="muted">{t("partners.noKeys")}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("partners.prefix")}</th>
                    <th scope="col">{t("partners.created")}</th>
                    <th scope="col">{t("orders.status")}</th>
                    <th scope="col">{t("actions")}</th>
                  </tr>
                </thead>
                <tbody>
                  {partner.keys.map((key) => (
                    <tr key={key.id}>
                      <td className="mono">{key.prefix}…</td>
                      <td>{dateTime(key.createdAt)}</td>
                      <td>
                        {key.revokedAt ? (
                          <span className="badge badge-muted">
                            {t("partners.revokedAt", { at: dateTime(key.revokedAt) })}
                          </span>
                        ) : (
                          <span className="badge badge-success">{t("status.active")}</span>
                        )}
                      </td>
                      <td>
                        {key.revokedAt ? null : (
                          <button
                            type="button"
                            className="button small danger"
                            disabled={busy}
                            onClick={() => revoke(key.id)}
                          >
                            {t("partners.revoke")}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
    </section>
  );
}
