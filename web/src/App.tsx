import { lazy, Suspense } from "react";
import { Link, Route, Routes } from "react-router";
import { Loading } from "./components/ui";
import { LanguageSwitch, useI18n } from "./lib/i18n";

// A buyer never downloads the admin app, and staff never download the shop.
const AdminApp = lazy(() => import("./admin/AdminApp").then((module) => ({ default: module.AdminApp })));
const ShopApp = lazy(() => import("./shop/ShopApp").then((module) => ({ default: module.ShopApp })));

export function App() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/admin/*" element={<AdminApp />} />
        <Route path="/s/:shop/*" element={<ShopApp />} />
        <Route path="*" element={<Home />} />
      </Routes>
    </Suspense>
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
