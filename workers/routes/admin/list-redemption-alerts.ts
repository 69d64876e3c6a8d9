import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listAlerts } from "../../services/risk/redemption-watch";
import { AlertKindSchema, AlertSchema } from "../risk-scoring-schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/risk/alerts",
  tags: ["Admin"],
  summary: "Redemption alerts: impossible travel, partner bursts, redemptions outside a SKU's regions or hours",
  description:
    "Raised after the redemption (never in its path), from the `events` queue; newest first. `detail` says what was seen (`km`, `kmh`, `minutes` for travel; `redemptions` in `windowMinutes` for a burst).",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("risk.read")] as const,
  request: {
    query: PageQuery.extend({ kind: AlertKindSchema.optional().openapi({ param: { name: "kind", in: "query" } }) }),
  },
  responses: {
    200: json(pageOf(AlertSchema), "A page of alerts"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListRedemptionAlerts(app: App) {
  app.openapi(route, async (c) =>
    c.json(await listAlerts(c.get("services"), c.get("admin").merchantId, c.req.valid("query")), 200),
  );
}
