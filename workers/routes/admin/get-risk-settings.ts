import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { getRiskSettings } from "../../services/risk/settings";
import { RiskSettingsViewSchema } from "../risk-scoring-schemas";
import { type App, json, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/risk/settings",
  tags: ["Admin"],
  summary: "The merchant's scoring thresholds, rule weights and limits, and redemption rules",
  description: "Defaults fill whatever the merchant never set (`updatedAt` is then null).",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("risk.read")] as const,
  responses: {
    200: json(RiskSettingsViewSchema, "The settings in force"),
    ...errorResponses("unauthorized"),
  },
});

export function registerGetRiskSettings(app: App) {
  app.openapi(route, async (c) => c.json(await getRiskSettings(c.get("services"), c.get("admin").merchantId), 200));
}
