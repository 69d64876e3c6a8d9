import { Link, Route, Routes } from "react-router";
import { AdminApp } from "./admin/AdminApp";
import { LanguageSwitch, useI18n } from "./lib/i18n";
import { ShopApp } from "./shop/ShopApp";

export function App() {
  return (
    <Routes>
      <Route path="/admin/*" element={<AdminApp />} />
      <Route path="/s/:shop/*" element={<ShopApp />} />
      <Route path="*" element={<Home />} />
    </Routes>
  );
}

function Home() {
  const { t } = useI18n();
  return (
    <div className="auth-page">
      <header className="auth-header">
        <span className="brand">Tessera</span>
        <LanguageSwitch />
      </header>
      <main id="main" className="auth-card">
        <h1>Tessera</h1>
        <p>{t("home.tagline")}</p>
        <ul className="plain-list">
          <li>
            <Link to="/admin">{t("home.admin")}</Link>
          </li>
          <li>
            <Link to="/s/demo">{t("home.demoShop")}</Link>
          </li>
          <li>
            <a href="/docs">{t("home.docs")}</a>
          </li>
        </ul>
      </main>
    </div>
  );
}
