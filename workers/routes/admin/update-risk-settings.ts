import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { putRiskSettings } from "../../services/risk/settings";
import { RiskSettingsSchema, RiskSettingsViewSchema } from "../risk-scoring-schemas";
import { type App, body, json, SECURITY } from "../shared";

const route = createRoute({
  method: "put",
  path: "/v1/admin/risk/settings",
  tags: ["Admin"],
  summary: "Replace the merchant's scoring thresholds, rule weights and limits, and redemption rules",
  description:
    "The whole settings object, as `GET` returns it. `reviewAt` may not be above `blockAt`; SKU time zones must be IANA names (400 otherwise). Applies to orders paid from now on. Audited with the previous values. Putting the same settings twice is harmless.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("risk.manage")] as const,
  request: { body: body(RiskSettingsSchema) },
  responses: {
    200: json(RiskSettingsViewSchema, "The settings now in force"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden"),
  },
});

export function registerUpdateRiskSettings(app: App) {
  app.openapi(route, async (c) =>
    c.json(await putRiskSettings(c.get("services"), c.get("admin"), c.req.valid("json")), 200),
  );
}
