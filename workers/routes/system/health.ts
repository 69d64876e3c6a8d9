import { createRoute, z } from "@hono/zod-openapi";
import { type App, json } from "../shared";

const route = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["System"],
  summary: "Liveness: the Worker is up and its configuration is valid",
  responses: { 200: json(z.object({ ok: z.literal(true) }), "Up") },
});

export function registerHealth(app: App) {
  app.openapi(route, (c) => c.json({ ok: true as const }, 200));
}
