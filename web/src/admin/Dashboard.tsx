import { Link } from "react-router";
import { BarChart } from "../components/BarChart";
import { EmptyState, ErrorNotice, Loading, Notice } from "../components/ui";
import { query } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { currencyDigits, useI18n } from "../lib/i18n";
import { timeZone } from "../lib/time-zone";
import type { Dashboard, Money } from "../lib/types";
import { useAdmin } from "./session";

export function DashboardPage() {
  const { api, me } = useAdmin();
  const { t, money, number, locale } = useI18n();
  const dashboard = useLoad(
    (signal) => api.get<Dashboard>(`/v1/admin/dashboard${query({ tz: timeZone() })}`, { signal }),
    [api],
  );
  const d = dashboard.data;
  const currency = d?.today.sales.currency ?? d?.daily[0]?.sales.currency ?? "CNY";
  const dayLabel = new Intl.DateTimeFormat(locale, { month: "numeric", day: "numeric", timeZone: "UTC" });
  const label = (date: string) => {
    const at = new Date(`${date}T12:00:00Z`);
    return Number.isNaN(at.getTime()) ? date : dayLabel.format(at);
  };
  const major = (m: Money) => m.amount / 10 ** currencyDigits(m.currency);

  return (
    <section>
      <h1>{t("dashboard.title")}</h1>
      <p className="muted">{t("dashboard.welcome", { name: me.staff.name || me.staff.email })}</p>
      <ErrorNotice error={dashboard.error} />
      {dashboard.loading && !d ? <Loading /> : null}
      {d ? (
        <>
          <div className="kpi-grid">
            <Kpi label={t("dashboard.todaySales")} value={money(d.today.sales)} testId="kpi-today-sales" />
            <Kpi label={t("dashboard.todayOrders")} value={number(d.today.orders)} testId="kpi-today-orders" />
            <Kpi
              label={t("dashboard.todayRedemptions")}
              value={number(d.today.redemptions)}
              testId="kpi-today-redemptions"
            />
            <Kpi label={t("dashboard.weekSales")} value={money(d.week.sales)} testId="kpi-week-sales" />
            <Kpi label={t("dashboard.weekOrders")} value={number(d.week.orders)} testId="kpi-week-orders" />
            <Kpi
              label={t("dashboard.weekRedemptions")}
              value={number(d.week.redemptions)}
              testId="kpi-week-redemptions"
            />
          </div>
          <div className="chart-grid">
            <BarChart
              title={t("dashboard.salesChart")}
              // A day with more refunds than sales is net negative; the bar shows no sales.
              bars={d.daily.map((day) => ({ label: label(day.date), value: Math.max(0, major(day.sales)) }))}
              format={(value) => money({ amount: Math.round(value * 10 ** currencyDigits(currency)), currency })}
            />
            <BarChart
              title={t("dashboard.ordersChart")}
              tone="secondary"
              bars={d.daily.map((day) => ({ label: label(day.date), value: day.orders }))}
              format={number}
            />
            <BarChart
              title={t("dashboard.redemptionsChart")}
              tone="tertiary"
              bars={d.daily.map((day) => ({ label: label(day.date), value: day.redemptions }))}
              format={number}
            />
          </div>
          <section className="card">
            <h2>{t("dashboard.stockAlerts")}</h2>
            {d.stockAlerts.length === 0 ? (
              <EmptyState>{t("dashboard.noAlerts")}</EmptyState>
            ) : (
              <>
                <Notice tone="warning">{t("dashboard.alertsBody", { count: d.stockAlerts.length })}</Notice>
                <ul className="alert-list">
                  {d.stockAlerts.map((alert) => (
                    <li key={alert.skuId}>
                      <strong>{alert.productName}</strong> · {alert.skuName}:{" "}
                      {t("stock.availableN", { n: number(alert.available) })}
                      {alert.lowStockThreshold !== null
                        ? ` (${t("stock.thresholdN", { n: number(alert.lowStockThreshold) })})`
                        : ""}
                    </li>
                  ))}
                </ul>
                <p>
                  <Link to="/admin/stock">{t("dashboard.toStock")}</Link>
                </p>
              </>
            )}
          </section>
        </>
      ) : null}
    </section>
  );
}

function Kpi({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="kpi" data-testid={testId}>
      <p className="kpi-label">{label}</p>
      <p className="kpi-value">{value}</p>
    </div>
  );
}
