import { createRoute } from "@hono/zod-openapi";
import { deleteCookie } from "hono/cookie";
import { errorResponses } from "../../errors";
import { requireAdmin } from "../../middleware";
import { SESSION_COOKIE, signOut } from "../../services/staff-sessions";
import type { App } from "../shared";

const route = createRoute({
  method: "delete",
  path: "/v1/admin/sessions/current",
  tags: ["Admin"],
  summary: "Sign out",
  security: [{ staffSession: [] }],
  middleware: [requireAdmin()] as const,
  responses: {
    204: { description: "Signed out; the session can no longer be used" },
    ...errorResponses("unauthorized", "csrf_failed"),
  },
});

export function registerDeleteSession(app: App) {
  app.openapi(route, async (c) => {
    const caller = c.get("admin");
    if (caller.kind === "staff") await signOut(c.get("services"), caller);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    return c.body(null, 204);
  });
}
