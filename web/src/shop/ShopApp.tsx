import { createContext, useContext, useEffect, useMemo, useRef } from "react";
import { Link, NavLink, Route, Routes, useLocation, useParams } from "react-router";
import { Loading } from "../components/ui";
import { ApiProblem, request } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { LanguageSwitch, toLocale, useI18n } from "../lib/i18n";
import type { ShopInfo } from "../lib/types";
import { CartPage } from "./Cart";
import { MyOrdersPage } from "./MyOrders";
import { OrderPage } from "./OrderPage";
import { ProductPage } from "./ProductPage";
import { ProductsPage } from "./Products";
import { SandboxPayPage } from "./SandboxPay";
import { useCart } from "./storage";

const ShopContext = createContext<ShopInfo | null>(null);

export function useShop(): ShopInfo {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error("useShop outside a shop page");
  return shop;
}

export const shopPath = (shop: string, rest = "") => `/s/${encodeURIComponent(shop)}${rest}`;

export function ShopApp() {
  const { shop: slug = "" } = useParams();
  const { setDefaultLocale, t } = useI18n();
  const info = useLoad(
    async (signal) => {
      try {
        return await request<ShopInfo>("GET", `/v1/shops/${encodeURIComponent(slug)}`, { signal });
      } catch (error) {
        // The shop's own page still works without its profile; the catalog says whether it exists.
        if (error instanceof ApiProblem && error.status !== 0) return { slug, name: slug, locale: "zh-CN" };
        throw error;
      }
    },
    [slug],
  );

  useEffect(() => {
    const locale = toLocale(info.data?.locale);
    if (locale) setDefaultLocale(locale);
  }, [info.data?.locale, setDefaultLocale]);

  const shop = useMemo(() => info.data ?? { slug, name: slug, locale: "zh-CN" }, [info.data, slug]);
  useEffect(() => {
    document.title = `${shop.name} · Tessera`;
  }, [shop.name]);

  if (info.loading && !info.data) {
    return (
      <main id="main" className="shop-main">
        <Loading label={t("loading")} />
      </main>
    );
  }
  return (
    <ShopContext.Provider value={shop}>
      <ShopLayout>
        <Routes>
          <Route index element={<ProductsPage />} />
          <Route path="p/:productId" element={<ProductPage />} />
          <Route path="cart" element={<CartPage />} />
          <Route path="orders" element={<MyOrdersPage />} />
          <Route path="orders/:orderId" element={<OrderPage />} />
          <Route path="pay/sandbox/:paymentId" element={<SandboxPayPage />} />
          <Route path="*" element={<ShopNotFound />} />
        </Routes>
      </ShopLayout>
    </ShopContext.Provider>
  );
}

function ShopLayout({ children }: { children: React.ReactNode }) {
  const shop = useShop();
  const { t } = useI18n();
  const cart = useCart(shop.slug);
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each navigation
  useEffect(() => {
    mainRef.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location.pathname]);
  return (
    <div className="shop-shell">
      <a className="skip-link" href="#main">
        {t("skipToContent")}
      </a>
      <header className="shop-header">
        <Link to={shopPath(shop.slug)} className="brand">
          {shop.name}
        </Link>
        <nav aria-label={t("shop.nav")} className="shop-nav">
          <NavLink to={shopPath(shop.slug, "/orders")}>{t("shop.myOrders")}</NavLink>
          <NavLink to={shopPath(shop.slug, "/cart")} data-testid="cart-link">
            {t("shop.cart")}
            {cart.count > 0 ? <span className="count-badge">{cart.count}</span> : null}
          </NavLink>
        </nav>
        <LanguageSwitch />
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="shop-main">
        {children}
      </main>
      <footer className="shop-footer muted small">{t("shop.footer")}</footer>
    </div>
  );
}

function ShopNotFound() {
  const shop = useShop();
  const { t } = useI18n();
  return (
    <section>
      <h1>{t("notFound.title")}</h1>
      <p>
        <Link to={shopPath(shop.slug)}>{t("shop.backToShop")}</Link>
      </p>
    </section>
  );
}
