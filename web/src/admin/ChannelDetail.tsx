import { useState } from "react";
import { Link, useParams } from "react-router";
import { CopyButton, ErrorNotice, Loading, StatusBadge } from "../components/ui";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { Channel } from "../lib/types";
import { ChannelBalance } from "./ChannelBalance";
import { ChannelPrices } from "./ChannelPrices";
import { ChannelKeys, ChannelWebhooks } from "./ChannelReseller";
import { kindLabel } from "./Channels";
import { useAdmin } from "./session";

/** One channel: its status, its price list and, for a reseller, its keys, balance and webhooks. */
export function ChannelDetailPage() {
  const { channelId = "" } = useParams();
  const { api, can } = useAdmin();
  const { t, money } = useI18n();
  const channel = useLoad(
    (signal) => api.get<Channel>(`/v1/admin/channels/${channelId}`, { signal }),
    [api, channelId],
  );
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const c = channel.data;

  const setStatus = async (status: Channel["status"]) => {
    setBusy(true);
    setError(null);
    try {
      channel.setData(await api.patch<Channel>(`/v1/admin/channels/${channelId}`, { status }));
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <p>
        <Link to="/admin/channels">← {t("channels.title")}</Link>
      </p>
      <ErrorNotice error={channel.error} />
      {channel.loading && !c ? <Loading /> : null}
      {c ? (
        <>
          <div className="page-head">
            <h1>{c.name}</h1>
            {can("channels.manage") && c.kind !== "shop" ? (
              <button
                type="button"
                className={`button small${c.status === "active" ? " danger" : ""}`}
                disabled={busy}
                onClick={() => setStatus(c.status === "active" ? "suspended" : "active")}
              >
                {c.status === "active" ? t("channels.suspend") : t("channels.resume")}
              </button>
            ) : null}
          </div>
          <ErrorNotice error={error} />
          <div className="card">
            <dl className="facts">
              <div>
                <dt>{t("channels.kind")}</dt>
                <dd>{t(kindLabel(c.kind))}</dd>
              </div>
              <div>
                <dt>{t("orders.status")}</dt>
                <dd>
                  <StatusBadge status={c.status} />
                </dd>
              </div>
              {c.publishableKey ? (
                <div>
                  <dt>{t("channels.publishableKey")}</dt>
                  <dd>
                    <span className="mono" data-testid="publishable-key">
                      {c.publishableKey}
                    </span>{" "}
                    <CopyButton text={c.publishableKey} />
                  </dd>
                </div>
              ) : null}
              {c.contactEmail ? (
                <div>
                  <dt>{t("channels.contactEmail")}</dt>
                  <dd>{c.contactEmail}</dd>
                </div>
              ) : null}
              {c.balance ? (
                <div>
                  <dt>{t("channels.balance")}</dt>
                  <dd data-testid="balance">{money(c.balance)}</dd>
                </div>
              ) : null}
            </dl>
            <p className="muted small">{t(`channels.about.${c.kind}` as Parameters<typeof t>[0])}</p>
          </div>
          <ChannelPrices channel={c} />
          {c.kind === "reseller" ? (
            <>
              <ChannelKeys channel={c} onChange={channel.reload} />
              <ChannelBalance channel={c} onChange={channel.reload} />
              <ChannelWebhooks channel={c} />
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
