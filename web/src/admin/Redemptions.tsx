import { useId, useState } from "react";
import { Link } from "react-router";
import { EmptyState, ErrorNotice, Loading, Notice, Pager, StatusBadge, usePager } from "../components/ui";
import { newIdempotencyKey, type Page, query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { Redemption } from "../lib/types";
import { useAdmin } from "./session";

export function RedemptionsPage() {
  const { api, can } = useAdmin();
  const { t, dateTime, money } = useI18n();
  const id = useId();
  const pager = usePager();
  const [status, setStatus] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const redemptions = useLoad(
    (signal) =>
      api.get<Page<Redemption>>(`/v1/admin/redemptions${query({ status, cursor: pager.cursor, limit: 25 })}`, {
        signal,
      }),
    [api, status, pager.cursor],
  );

  const reverse = async (redemption: Redemption) => {
    if (!window.confirm(t("redemptions.confirmReverse"))) return;
    setBusyId(redemption.id);
    setError(null);
    setMessage(null);
    try {
      await api.post(`/v1/admin/redemptions/${redemption.id}/reversal`, {}, { idempotencyKey: newIdempotencyKey() });
      setMessage(t("redemptions.reversed"));
      redemptions.reload();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusyId(null);
    }
  };

  return (
    <section>
      <div className="page-head">
        <h1>{t("redemptions.title")}</h1>
        {can("redemptions.write") ? (
          <Link className="button primary" to="/admin/desk">
            {t("nav.desk")}
          </Link>
        ) : null}
      </div>
      <div className="filters card">
        <div className="field">
          <label htmlFor={`${id}-status`}>{t("orders.status")}</label>
          <select
            id={`${id}-status`}
            value={status}
            onChange={(event) => {
              pager.reset();
              setStatus(event.target.value);
            }}
          >
            <option value="">{t("orders.anyStatus")}</option>
            <option value="completed">{t("status.completed")}</option>
            <option value="reversed">{t("status.reversed")}</option>
          </select>
        </div>
      </div>
      {message ? (
        <Notice tone="success" live>
          {message}
        </Notice>
      ) : null}
      <ErrorNotice error={error ?? redemptions.error} />
      {redemptions.loading && !redemptions.data ? <Loading /> : null}
      {redemptions.data && redemptions.data.data.length === 0 ? (
        <EmptyState>{t("redemptions.empty")}</EmptyState>
      ) : null}
      {redemptions.data && redemptions.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("redemptions.when")}</th>
                <th scope="col">{t("redemptions.code")}</th>
                <th scope="col">{t("redemptions.order")}</th>
                <th scope="col">{t("redemptions.by")}</th>
                <th scope="col">{t("redemptions.location")}</th>
                <th scope="col">{t("redemptions.amount")}</th>
                <th scope="col">{t("orders.status")}</th>
                {can("redemptions.write") ? <th scope="col">{t("actions")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {redemptions.data.data.map((redemption) => (
                <tr key={redemption.id}>
                  <td>{dateTime(redemption.createdAt)}</td>
                  <td className="mono">{redemption.codeId}</td>
                  <td>
                    {redemption.orderId ? (
                      <Link to={`/admin/orders/${redemption.orderId}`} className="mono">
                        {redemption.orderId}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="mono">{redemption.partnerId ?? (redemption.staffId ? t("redemptions.desk") : "—")}</td>
                  <td>{redemption.location ?? "—"}</td>
                  <td>{redemption.amount ? money(redemption.amount) : t("redemptions.oneUse")}</td>
                  <td>
                    <StatusBadge status={redemption.status} />
                    {redemption.reversedAt ? (
                      <span className="muted small"> {dateTime(redemption.reversedAt)}</span>
                    ) : null}
                  </td>
                  {can("redemptions.write") ? (
                    <td>
                      {redemption.status === "completed" ? (
                        <button
                          type="button"
                          className="button small danger"
                          disabled={busyId === redemption.id}
                          onClick={() => reverse(redemption)}
                        >
                          {t("redemptions.reverse")}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager pager={pager} nextCursor={redemptions.data?.nextCursor} />
    </section>
  );
}
