import { NavLink, Route, Routes } from "react-router";
import { useI18n } from "../lib/i18n";
import { RiskAlerts, RiskDecisions } from "./RiskActivity";
import { RiskLists } from "./RiskLists";
import { RiskReviews } from "./RiskReviews";
import { RiskSettingsForm } from "./RiskSettings";

/** The merchant's risk pages: held orders to decide, lists, thresholds, the decision log, alerts. */
export function RiskPage() {
  const { t } = useI18n();
  const tabs = [
    { to: "/admin/risk", label: t("risk.tab.reviews"), end: true },
    { to: "/admin/risk/lists", label: t("risk.tab.lists") },
    { to: "/admin/risk/settings", label: t("risk.tab.settings") },
    { to: "/admin/risk/decisions", label: t("risk.tab.decisions") },
    { to: "/admin/risk/alerts", label: t("risk.tab.alerts") },
  ];
  return (
    <section>
      <h1>{t("risk.title")}</h1>
      <nav className="filters" aria-label={t("risk.title")}>
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={tab.end} className="button small">
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<RiskReviews />} />
        <Route path="lists" element={<RiskLists />} />
        <Route path="settings" element={<RiskSettingsForm />} />
        <Route path="decisions" element={<RiskDecisions />} />
        <Route path="alerts" element={<RiskAlerts />} />
      </Routes>
    </section>
  );
}
