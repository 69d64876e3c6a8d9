import { useState } from "react";
import { EmptyState, ErrorNotice, Loading, Pager, ShownOnce, StatusBadge, usePager } from "../components/ui";
import { newIdempotencyKey, type Page, query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { Channel, ChannelWebhook, WebhookDelivery } from "../lib/types";
import { useAdmin } from "./session";

/** A reseller's secret keys for the channel API: issued (shown once) and revoked here. */
export function ChannelKeys({ channel, onChange }: { channel: Channel; onChange: () => void }) {
  const { api, can } = useAdmin();
  const { t, dateTime } = useI18n();
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const manage = can("channels.manage");

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChange();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const issue = () =>
    act(async () => {
      const created = await api.post<{ apiKey: string }>(
        `/v1/admin/channels/${channel.id}/keys`,
        {},
        { idempotencyKey: newIdempotencyKey() },
      );
      setShown(created.apiKey);
    });

  const revoke = (keyId: string) => {
    if (!window.confirm(t("partners.confirmRevoke"))) return;
    void act(() => api.del(`/v1/admin/channels/${channel.id}/keys/${keyId}`));
  };

  const keys = channel.keys ?? [];
  return (
    <section className="card">
      <div className="page-head">
        <h2>{t("channels.keys.title")}</h2>
        {manage ? (
          <button type="button" className="button small" disabled={busy} onClick={issue}>
            {t("partners.newKey")}
          </button>
        ) : null}
      </div>
      <p className="muted small">{t("channels.keys.hint")}</p>
      {shown ? <ShownOnce label={t("partners.keyFor", { name: channel.name })} value={shown} /> : null}
      <ErrorNotice error={error} />
      {keys.length === 0 ? (
        <p className="muted">{t("partners.noKeys")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("partners.prefix")}</th>
                <th scope="col">{t("partners.created")}</th>
                <th scope="col">{t("orders.status")}</th>
                {manage ? <th scope="col">{t("actions")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
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
                  {manage ? (
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
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The endpoints a reseller registered, and how each delivery of its order outcomes went. */
export function ChannelWebhooks({ channel }: { channel: Channel }) {
  const { api } = useAdmin();
  const { t, dateTime } = useI18n();
  const pager = usePager();
  const hooks = useLoad(
    (signal) => api.get<{ data: ChannelWebhook[] }>(`/v1/admin/channels/${channel.id}/webhooks`, { signal }),
    [api, channel.id],
  );
  const deliveries = useLoad(
    (signal) =>
      api.get<Page<WebhookDelivery>>(
        `/v1/admin/channels/${channel.id}/webhook-deliveries${query({ limit: 20, cursor: pager.cursor })}`,
        { signal },
      ),
    [api, channel.id, pager.cursor],
  );

  return (
    <section className="card">
      <h2>{t("channels.webhooks.title")}</h2>
      <p className="muted small">{t("channels.webhooks.hint")}</p>
      <ErrorNotice error={hooks.error} />
      {hooks.loading && !hooks.data ? <Loading /> : null}
      {hooks.data && hooks.data.data.length === 0 ? <EmptyState>{t("channels.webhooks.none")}</EmptyState> : null}
      {hooks.data?.data.map((hook) => (
        <p key={hook.id}>
          <span className="mono">{hook.url}</span>{" "}
          <span className="muted small">
            {t("channels.webhooks.counts", {
              succeeded: hook.deliveries.succeeded,
              pending: hook.deliveries.pending,
              failed: hook.deliveries.failed,
            })}
          </span>
        </p>
      ))}
      <h3>{t("channels.webhooks.deliveries")}</h3>
      <ErrorNotice error={deliveries.error} />
      {deliveries.data && deliveries.data.data.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="webhook-deliveries">
            <thead>
              <tr>
                <th scope="col">{t("channels.balance.when")}</th>
                <th scope="col">{t("channels.webhooks.event")}</th>
                <th scope="col">{t("orders.status")}</th>
                <th scope="col">{t("channels.webhooks.attempts")}</th>
                <th scope="col">{t("channels.webhooks.lastAnswer")}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.data.map((delivery) => (
                <tr key={delivery.id}>
                  <td>{dateTime(delivery.createdAt)}</td>
                  <td>
                    <span className="mono small">{delivery.eventType}</span>{" "}
                    <span className="mono small muted">{delivery.orderId}</span>
                  </td>
                  <td>
                    <StatusBadge status={delivery.status} />
                  </td>
                  <td className="num">{delivery.attempts}</td>
                  <td className="small">{delivery.lastError ?? delivery.lastStatusCode ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <EmptyState>{t("channels.webhooks.noDeliveries")}</EmptyState>
      )}
      <Pager pager={pager} nextCursor={deliveries.data?.nextCursor} />
    </section>
  );
}
