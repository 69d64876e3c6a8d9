// The staff session: the HttpOnly cookie authenticates, the CSRF token (kept for this tab in
// sessionStorage, refreshed from GET /v1/admin/me) guards every write, and any 401 ends the
// session in the UI and returns to the sign-in page.
import { createContext, useContext } from "react";
import { ApiProblem, type RequestOptions, request } from "../lib/api";
import type { Me, Role } from "../lib/types";
import type { Capability } from "./roles";

export interface StoredSession {
  me: Me;
  expiresAt: string | null;
}

const STORAGE_KEY = "tessera.admin.session";

export function loadSession(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as StoredSession;
    if (parsed.expiresAt && Date.parse(parsed.expiresAt) <= Date.now()) return null;
    return parsed?.me?.staff && parsed.me.csrfToken ? parsed : null;
  } catch {
    return null;
  }
}

export function saveSession(session: StoredSession | null) {
  try {
    if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage unavailable: the session lasts until the page reloads.
  }
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface AdminApi {
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  post<T>(path: string, json?: unknown, options?: RequestOptions): Promise<T>;
  put<T>(path: string, json?: unknown, options?: RequestOptions): Promise<T>;
  patch<T>(path: string, json?: unknown, options?: RequestOptions): Promise<T>;
  del<T>(path: string, json?: unknown, options?: RequestOptions): Promise<T>;
  send<T>(method: Method, path: string, options: RequestOptions): Promise<T>;
}

export function createAdminApi(session: {
  csrfToken: () => string | undefined;
  refreshCsrf: () => Promise<string | undefined>;
  expired: () => void;
}): AdminApi {
  const call = async <T,>(method: Method, path: string, options: RequestOptions, retried = false): Promise<T> => {
    const csrfToken = method === "GET" ? undefined : session.csrfToken();
    try {
      return await request<T>(method, path, { ...options, csrfToken });
    } catch (error) {
      if (error instanceof ApiProblem) {
        if (error.status === 401 && error.code === "unauthorized") session.expired();
        // A CSRF token from before a new sign-in in another tab: fetch the current one once.
        if (error.code === "csrf_failed" && !retried && (await session.refreshCsrf())) {
          return call<T>(method, path, options, true);
        }
      }
      throw error;
    }
  };
  return {
    get: (path, options = {}) => call("GET", path, options),
    post: (path, json, options = {}) => call("POST", path, { ...options, json: json ?? {} }),
    put: (path, json, options = {}) => call("PUT", path, { ...options, json: json ?? {} }),
    patch: (path, json, options = {}) => call("PATCH", path, { ...options, json: json ?? {} }),
    del: (path, json, options = {}) => call("DELETE", path, json === undefined ? options : { ...options, json }),
    send: (method, path, options) => call(method, path, options),
  };
}

export interface AdminContextValue {
  me: Me;
  api: AdminApi;
  role: Role;
  can: (capability: Capability) => boolean;
  signOut: () => Promise<void>;
}

export const AdminContext = createContext<AdminContextValue | null>(null);

export function useAdmin(): AdminContextValue {
  const value = useContext(AdminContext);
  if (!value) throw new Error("useAdmin outside a signed-in admin page");
  return value;
}
