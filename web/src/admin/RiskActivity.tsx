import { useState } from "react";
import { Link } from "react-router";
import { EmptyState, ErrorNotice, Loading, Pager, usePager } from "../components/ui";
import { type Page, query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import type { Alert, DecisionEntry } from "./risk-types";
import { useAdmin } from "./session";

/** The decision log: the rules' decisions and people's, with what each person overruled. */
export function RiskDecisions() {
  const { api } = useAdmin();
  const { t, dateTime } = useI18n();
  const pager = usePager();
  const log = useLoad(
    (signal) => api.get<Page<DecisionEntry>>(`/v1/admin/risk/decisions${query({ cursor: pager.cursor })}`, { signal }),
    [api, pager.cursor],
  );
  return (
    <div>
      <ErrorNotice error={log.error} />
      {log.loading && !log.data ? <Loading /> : null}
      {log.data && log.data.data.length === 0 ? <EmptyState>{t("risk.decisions.empty")}</EmptyState> : null}
      {log.data && log.data.data.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>{t("risk.decisions.when")}</th>
              <th>{t("risk.decisions.order")}</th>
              <th>{t("risk.decisions.action")}</th>
              <th>{t("risk.decisions.who")}</th>
              <th>{t("risk.decisions.overruled")}</th>
              <th>{t("risk.lists.note")}</th>
            </tr>
          </thead>
          <tbody>
            {log.data.data.map((entry) => (
              <tr key={entry.id}>
                <td className="small">{dateTime(entry.createdAt)}</td>
                <td>
                  <Link to={`/admin/orders/${entry.orderId}`} className="mono small">
                    {entry.orderId}
                  </Link>
                </td>
                <td>
                  {t(`risk.action.${entry.action}` as MessageKey)}
                  {entry.score !== null && entry.automatic ? ` (${entry.score})` : ""}
                </td>
                <td className="small">{entry.automatic ? t("risk.decisions.rules") : entry.actor}</td>
                <td>{entry.overruled ? t(`risk.action.${entry.overruled}` as MessageKey) : ""}</td>
                <td>{entry.note ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={log.data?.nextCursor} />
    </div>
  );
}

export function RiskAlerts() {
  const { api } = useAdmin();
  const { t, dateTime } = useI18n();
  const pager = usePager();
  const [kind, setKind] = useState("");
  const alerts = useLoad(
    (signal) => api.get<Page<Alert>>(`/v1/admin/risk/alerts${query({ kind, cursor: pager.cursor })}`, { signal }),
    [api, kind, pager.cursor],
  );
  const kinds = ["impossible_travel", "partner_burst", "outside_region", "outside_hours"];
  return (
    <div>
      <div className="filters">
        <div className="field">
          <label htmlFor="risk-alert-kind">{t("risk.lists.kind")}</label>
          <select
            id="risk-alert-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value);
              pager.reset();
            }}
          >
            <option value="">{t("risk.alerts.all")}</option>
            {kinds.map((option) => (
              <option key={option} value={option}>
                {t(`risk.alert.${option}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNotice error={alerts.error} />
      {alerts.loading && !alerts.data ? <Loading /> : null}
      {alerts.data && alerts.data.data.length === 0 ? <EmptyState>{t("risk.alerts.empty")}</EmptyState> : null}
      <ul className="ticket-list">
        {alerts.data?.data.map((alert) => (
          <li key={alert.id} className="card">
            <p>
              <strong>{t(`risk.alert.${alert.kind}` as MessageKey)}</strong>{" "}
              <span className="muted small">
                {dateTime(alert.createdAt)} · {alert.partnerId ?? "—"} · {alert.location ?? "—"}
              </span>
            </p>
            <p className="mono small">{JSON.stringify(alert.detail)}</p>
          </li>
        ))}
      </ul>
      <Pager pager={pager} nextCursor={alerts.data?.nextCursor} />
    </div>
  );
}
