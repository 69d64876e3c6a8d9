import { type FormEvent, useId, useRef, useState } from "react";
import { Link } from "react-router";
import { ErrorNotice, Loading, StatusBadge } from "../components/ui";
import { newIdempotencyKey } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import { CURRENCIES } from "../lib/money";
import type { Channel } from "../lib/types";
import { useAdmin } from "./session";

export const kindLabel = (kind: Channel["kind"]) => `channels.kind.${kind}` as MessageKey;

/** Every door the merchant sells through: the shop, mini-programs, apps and resellers. */
export function ChannelsPage() {
  const { api, can } = useAdmin();
  const { t, money } = useI18n();
  const channels = useLoad((signal) => api.get<{ data: Channel[] }>("/v1/admin/channels", { signal }), [api]);

  return (
    <section>
      <h1>{t("channels.title")}</h1>
      <p className="muted">{t("channels.intro")}</p>
      {can("channels.manage") ? <NewChannelForm onCreated={channels.reload} /> : null}
      <ErrorNotice error={channels.error} />
      {channels.loading && !channels.data ? <Loading /> : null}
      {channels.data ? (
        <div className="table-wrap">
          <table data-testid="channels">
            <thead>
              <tr>
                <th scope="col">{t("channels.name")}</th>
                <th scope="col">{t("channels.kind")}</th>
                <th scope="col">{t("orders.status")}</th>
                <th scope="col">{t("channels.balance")}</th>
              </tr>
            </thead>
            <tbody>
              {channels.data.data.map((channel) => (
                <tr key={channel.id}>
                  <td>
                    <Link to={`/admin/channels/${channel.id}`}>{channel.name}</Link>
                  </td>
                  <td>{t(kindLabel(channel.kind))}</td>
                  <td>
                    <StatusBadge status={channel.status} />
                  </td>
                  <td className="num">{channel.balance ? money(channel.balance) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function NewChannelForm({ onCreated }: { onCreated: () => void }) {
  const { api } = useAdmin();
  const { t } = useI18n();
  const id = useId();
  const [kind, setKind] = useState<"mini_program" | "app" | "reseller">("reseller");
  const [name, setName] = useState("");
  const [contactEmail, setContactEmail] = useState("");
  const [currency, setCurrency] = useState("CNY");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(
        "/v1/admin/channels",
        { kind, name: name.trim(), ...(kind === "reseller" ? { contactEmail: contactEmail.trim(), currency } : {}) },
        { idempotencyKey: key.current },
      );
      key.current = newIdempotencyKey();
      setName("");
      setContactEmail("");
      onCreated();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="card inline-form">
      <div className="field">
        <label htmlFor={`${id}-kind`}>{t("channels.kind")}</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          {(["reseller", "mini_program", "app"] as const).map((option) => (
            <option key={option} value={option}>
              {t(kindLabel(option))}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t("channels.name")}</label>
        <input id={`${id}-name`} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      {kind === "reseller" ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-email`}>{t("channels.contactEmail")}</label>
            <input
              id={`${id}-email`}
              type="email"
              required
              maxLength={320}
              value={contactEmail}
              onChange={(e) => setContactEmail(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-currency`}>{t("channels.currency")}</label>
            <select id={`${id}-currency`} value={currency} onChange={(e) => setCurrency(e.target.value)}>
              {CURRENCIES.map((code) => (
                <option key={code}>{code}</option>
              ))}
            </select>
          </div>
        </>
      ) : null}
      <button type="submit" className="button primary" disabled={busy || !name.trim()}>
        {t("channels.create")}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}
