import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { getRiskLimits } from "../../services/risk/limits";
import { RiskLimitsViewSchema } from "../risk-schemas";
import { type App, json, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/risk/limits",
  tags: ["Admin"],
  summary: "The merchant's checkout and partner look-up limits, with the defaults",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("risk.limits")] as const,
  responses: {
    200: json(RiskLimitsViewSchema, "The limits in force"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerGetRiskLimits(app: App) {
  app.openapi(route, async (c) => c.json(await getRiskLimits(c.get("services"), c.get("admin")), 200));
}
