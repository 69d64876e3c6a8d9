import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Navigate, NavLink, Outlet, Route, Routes, useLocation, useNavigate } from "react-router";
import { ApiProblem, request } from "../lib/api";
import { LanguageSwitch, toLocale, useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import type { Me } from "../lib/types";
import { AcceptInvitePage } from "./AcceptInvite";
import { AccountPage } from "./Account";
import { AuditPage } from "./Audit";
import { CatalogPage } from "./Catalog";
import { ChannelDetailPage } from "./ChannelDetail";
import { ChannelsPage } from "./Channels";
import { DashboardPage } from "./Dashboard";
import { DeskPage } from "./Desk";
import { FlashSalesPage } from "./FlashSales";
import { OrderDetailPage } from "./OrderDetail";
import { OrdersPage } from "./Orders";
import { PartnersPage } from "./Partners";
import { ProductEditorPage } from "./ProductEditor";
import { RedemptionsPage } from "./Redemptions";
import { RiskPage } from "./Risk";
import { RiskLimitsPage } from "./RiskLimits";
import { type Capability, can } from "./roles";
import { SignInPage } from "./SignIn";
import { StaffPage } from "./Staff";
import { StockPage } from "./Stock";
import { SubscriptionDetailPage, SubscriptionsPage } from "./Subscriptions";
import {
  AdminContext,
  type AdminContextValue,
  createAdminApi,
  loadSession,
  type StoredSession,
  saveSession,
  useAdmin as useAdminContextOrThrow,
} from "./session";
import { TicketsPage } from "./Tickets";

type SessionState =
  | { status: "signedIn"; session: StoredSession }
  | { status: "signedOut"; reason: "none" | "expired" | "signedOut" };

export function AdminApp() {
  const [state, setState] = useState<SessionState>(() => {
    const stored = loadSession();
    return stored ? { status: "signedIn", session: stored } : { status: "signedOut", reason: "none" };
  });
  const stateRef = useRef(state);
  stateRef.current = state;
  const { setDefaultLocale } = useI18n();

  const signedIn = useCallback((session: StoredSession) => {
    saveSession(session);
    setState({ status: "signedIn", session });
  }, []);

  const expired = useCallback(() => {
    saveSession(null);
    setState((current) => (current.status === "signedIn" ? { status: "signedOut", reason: "expired" } : current));
  }, []);

  // The server's view of who is signed in (and the current CSRF token).
  const refreshMe = useCallback(async (): Promise<Me | null> => {
    try {
      const me = await request<Me>("GET", "/v1/admin/me");
      const current = stateRef.current;
      signedIn({ me, expiresAt: current.status === "signedIn" ? current.session.expiresAt : null });
      return me;
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 401) expired();
      return null;
    }
  }, [signedIn, expired]);

  const signedInId = state.status === "signedIn" ? state.session.me.staff.id : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: check once per signed-in staff member
  useEffect(() => {
    if (signedInId) void refreshMe();
  }, [signedInId]);

  const merchantLocale = state.status === "signedIn" ? state.session.me.merchant?.locale : undefined;
  useEffect(() => {
    const locale = toLocale(merchantLocale);
    if (locale) setDefaultLocale(locale);
  }, [merchantLocale, setDefaultLocale]);

  // A session that reaches its expiry ends in the UI too, without waiting for a 401.
  const expiresAt = state.status === "signedIn" ? state.session.expiresAt : null;
  useEffect(() => {
    if (!expiresAt) return;
    const remaining = Date.parse(expiresAt) - Date.now();
    if (!(remaining > 0)) return;
    const timer = window.setTimeout(expired, Math.min(remaining, 2 ** 31 - 1));
    return () => window.clearTimeout(timer);
  }, [expiresAt, expired]);

  const context = useMemo<AdminContextValue | null>(() => {
    if (state.status !== "signedIn") return null;
    const { me } = state.session;
    const api = createAdminApi({
      csrfToken: () => (stateRef.current.status === "signedIn" ? stateRef.current.session.me.csrfToken : undefined),
      refreshCsrf: async () => (await refreshMe())?.csrfToken,
      expired,
    });
    return {
      me,
      api,
      role: me.staff.role,
      can: (capability: Capability) => can(me.staff.role, capability),
      signOut: async () => {
        try {
          await api.del("/v1/admin/sessions/current");
        } catch {
          // Signed out locally either way; an already-ended session answers 401.
        }
        saveSession(null);
        setState({ status: "signedOut", reason: "signedOut" });
      },
    };
  }, [state, refreshMe, expired]);

  return (
    <Routes>
      <Route
        path="sign-in"
        element={
          context ? (
            <RedirectAfterSignIn />
          ) : (
            <SignInPage reason={state.status === "signedOut" ? state.reason : "none"} onSignedIn={signedIn} />
          )
        }
      />
      <Route path="accept-invite" element={<AcceptInvitePage />} />
      <Route
        element={
          context ? (
            <AdminContext.Provider value={context}>
              <AdminLayout />
            </AdminContext.Provider>
          ) : (
            <ToSignIn remember={state.status === "signedOut" && state.reason !== "signedOut"} />
          )
        }
      >
        <Route index element={<DashboardPage />} />
        <Route
          path="catalog"
          element={
            <Guard need="catalog.read">
              <CatalogPage />
            </Guard>
          }
        />
        <Route
          path="catalog/new"
          element={
            <Guard need="catalog.write">
              <ProductEditorPage />
            </Guard>
          }
        />
        <Route
          path="catalog/:productId"
          element={
            <Guard need="catalog.read">
              <ProductEditorPage />
            </Guard>
          }
        />
        <Route
          path="stock"
          element={
            <Guard need="catalog.read">
              <StockPage />
            </Guard>
          }
        />
        <Route
          path="flash-sales"
          element={
            <Guard need="catalog.read">
              <FlashSalesPage />
            </Guard>
          }
        />
        <Route
          path="orders"
          element={
            <Guard need="orders.read">
              <OrdersPage />
            </Guard>
          }
        />
        <Route
          path="orders/:orderId"
          element={
            <Guard need="orders.read">
              <OrderDetailPage />
            </Guard>
          }
        />
        <Route
          path="subscriptions"
          element={
            <Guard need="orders.read">
              <SubscriptionsPage />
            </Guard>
          }
        />
        <Route
          path="subscriptions/:subscriptionId"
          element={
            <Guard need="orders.read">
              <SubscriptionDetailPage />
            </Guard>
          }
        />
        <Route
          path="redemptions"
          element={
            <Guard need="redemptions.read">
              <RedemptionsPage />
            </Guard>
          }
        />
        <Route
          path="desk"
          element={
            <Guard need="redemptions.write">
              <DeskPage />
            </Guard>
          }
        />
        <Route
          path="tickets"
          element={
            <Guard need="tickets.manage">
              <TicketsPage />
            </Guard>
          }
        />
        <Route
          path="partners"
          element={
            <Guard need="partners.manage">
              <PartnersPage />
            </Guard>
          }
        />
        <Route
          path="channels"
          element={
            <Guard need="channels.read">
              <ChannelsPage />
            </Guard>
          }
        />
        <Route
          path="channels/:channelId"
          element={
            <Guard need="channels.read">
              <ChannelDetailPage />
            </Guard>
          }
        />
        <Route
          path="risk/limits"
          element={
            <Guard need="risk.limits">
              <RiskLimitsPage />
            </Guard>
          }
        />
        <Route
          path="risk/*"
          element={
            <Guard need="risk.read">
              <RiskPage />
            </Guard>
          }
        />
        <Route
          path="staff"
          element={
            <Guard need="staff.manage">
              <StaffPage />
            </Guard>
          }
        />
        <Route
          path="audit"
          element={
            <Guard need="audit.read">
              <AuditPage />
            </Guard>
          }
        />
        <Route path="account" element={<AccountPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

/** To the sign-in page, remembering the page to return to unless the staff member signed out. */
function ToSignIn({ remember }: { remember: boolean }) {
  const location = useLocation();
  return <Navigate to="/admin/sign-in" replace state={remember ? { from: location.pathname } : null} />;
}

function RedirectAfterSignIn() {
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const target = from?.startsWith("/admin") && !from.startsWith("/admin/sign-in") ? from : "/admin";
  return <Navigate to={target} replace />;
}

function Guard({ need, children }: { need: Capability; children: React.ReactNode }) {
  const { can: allowed } = useAdminContextOrThrow();
  const { t } = useI18n();
  if (!allowed(need)) {
    return (
      <section>
        <h1>{t("forbidden.title")}</h1>
        <p>{t("forbidden.body")}</p>
      </section>
    );
  }
  return <>{children}</>;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t("notFound.title")}</h1>
      <p>
        <NavLink to="/admin">{t("nav.dashboard")}</NavLink>
      </p>
    </section>
  );
}

const NAV: { to: string; label: MessageKey; need: Capability; end?: boolean }[] = [
  { to: "/admin", label: "nav.dashboard", need: "dashboard", end: true },
  { to: "/admin/catalog", label: "nav.catalog", need: "catalog.read" },
  { to: "/admin/stock", label: "nav.stock", need: "catalog.read" },
  { to: "/admin/flash-sales", label: "nav.flashSales", need: "catalog.read" },
  { to: "/admin/orders", label: "nav.orders", need: "orders.read" },
  { to: "/admin/subscriptions", label: "nav.subscriptions", need: "orders.read" },
  { to: "/admin/redemptions", label: "nav.redemptions", need: "redemptions.read" },
  { to: "/admin/desk", label: "nav.desk", need: "redemptions.write" },
  { to: "/admin/tickets", label: "nav.tickets", need: "tickets.manage" },
  { to: "/admin/partners", label: "nav.partners", need: "partners.manage" },
  { to: "/admin/channels", label: "nav.channels", need: "channels.read" },
  { to: "/admin/risk", label: "nav.risk", need: "risk.read" },
  { to: "/admin/risk/limits", label: "nav.limits", need: "risk.limits" },
  { to: "/admin/staff", label: "nav.staff", need: "staff.manage" },
  { to: "/admin/audit", label: "nav.audit", need: "audit.read" },
];

function AdminLayout() {
  const { me, can: allowed, signOut, role } = useAdminContextOrThrow();
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  // Move focus to the new page for screen readers, like a full page load would.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each navigation
  useEffect(() => {
    mainRef.current?.focus({ preventScroll: true });
  }, [location.pathname]);
  return (
    <div className="admin-shell">
      <a className="skip-link" href="#main">
        {t("skipToContent")}
      </a>
      <header className="topbar">
        <NavLink to="/admin" className="brand">
          Tessera <span className="brand-sub">{me.merchant?.name ?? t("admin.title")}</span>
        </NavLink>
        <div className="topbar-tools">
          <LanguageSwitch />
          <NavLink to="/admin/account" className="user-chip" title={me.staff.email}>
            <span className="user-email">{me.staff.email}</span>
            <span className="badge badge-info">{t(`role.${role}` as MessageKey)}</span>
          </NavLink>
          <button
            type="button"
            className="button small"
            onClick={async () => {
              await signOut();
              navigate("/admin/sign-in", { replace: true });
            }}
          >
            {t("signOut")}
          </button>
        </div>
      </header>
      <nav className="sidenav" aria-label={t("nav.label")}>
        <ul>
          {NAV.filter((item) => allowed(item.need)).map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} end={item.end}>
                {t(item.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={mainRef} tabIndex={-1} className="admin-main">
        <Outlet />
      </main>
    </div>
  );
}
