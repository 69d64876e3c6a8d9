import { ErrorNotice, Loading } from "../components/ui";
import type { Page } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { AccountSeats } from "../lib/types";
import { useAdmin } from "./session";

/** A shared-account SKU's credentials (loop stock), each with seats used against its cap. */
export function AccountSeatsTable({ skuId, label }: { skuId: string; label: string }) {
  const { api } = useAdmin();
  const { t, number } = useI18n();
  const accounts = useLoad(
    (signal) => api.get<Page<AccountSeats>>(`/v1/admin/skus/${skuId}/accounts?limit=100`, { signal }),
    [api, skuId],
  );
  return (
    <section className="card" aria-label={t("stock.accountsOf", { sku: label })}>
      <h3>{t("stock.accountsOf", { sku: label })}</h3>
      <ErrorNotice error={accounts.error} />
      {accounts.loading && !accounts.data ? <Loading /> : null}
      {accounts.data && accounts.data.data.length === 0 ? <p className="muted">{t("stock.noAccounts")}</p> : null}
      {accounts.data && accounts.data.data.length > 0 ? (
        <table data-testid="account-seats">
          <thead>
            <tr>
              <th scope="col">{t("stock.account")}</th>
              <th scope="col">{t("stock.seatColumn")}</th>
              <th scope="col">{t("stock.reserved")}</th>
              <th scope="col">{t("stock.sold")}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.data.data.map((account) => (
              <tr key={account.accountId} data-account={account.accountId}>
                <td className="mono">{account.label}</td>
                <td data-testid="seats-used">
                  <span className="seat-bar" aria-hidden="true">
                    <span style={{ width: `${(account.used / account.seats) * 100}%` }} />
                  </span>{" "}
                  {t("stock.seatsUsed", { used: number(account.used), seats: number(account.seats) })}
                </td>
                <td className="num">{number(account.reserved)}</td>
                <td className="num">{number(account.sold)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
