import { EmptyState, ErrorNotice, Loading, Pager, usePager } from "../components/ui";
import { type Page, query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { AuditEntry } from "../lib/types";
import { useAdmin } from "./session";

const describe = (detail: unknown) =>
  detail === null || detail === undefined ? "" : typeof detail === "string" ? detail : JSON.stringify(detail);

export function AuditPage() {
  const { api } = useAdmin();
  const { t, dateTime } = useI18n();
  const pager = usePager();
  const audit = useLoad(
    (signal) => api.get<Page<AuditEntry>>(`/v1/admin/audit${query({ cursor: pager.cursor, limit: 50 })}`, { signal }),
    [api, pager.cursor],
  );
  return (
    <section>
      <h1>{t("audit.title")}</h1>
      <p className="muted">{t("audit.intro")}</p>
      <ErrorNotice error={audit.error} />
      {audit.loading && !audit.data ? <Loading /> : null}
      {audit.data && audit.data.data.length === 0 ? <EmptyState>{t("audit.empty")}</EmptyState> : null}
      {audit.data && audit.data.data.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">{t("redemptions.when")}</th>
                <th scope="col">{t("audit.actor")}</th>
                <th scope="col">{t("audit.action")}</th>
                <th scope="col">{t("audit.target")}</th>
                <th scope="col">{t("audit.detail")}</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.data.map((entry) => (
                <tr key={entry.id}>
                  <td>{dateTime(entry.createdAt)}</td>
                  <td>{entry.actorEmail ?? entry.actor}</td>
                  <td className="mono">{entry.action}</td>
                  <td className="mono">{entry.target ?? "—"}</td>
                  <td className="small">{describe(entry.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager pager={pager} nextCursor={audit.data?.nextCursor} />
    </section>
  );
}
