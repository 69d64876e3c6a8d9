import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { putRiskLimits } from "../../services/risk/limits";
import { RiskLimitsSchema, RiskLimitsViewSchema } from "../risk-schemas";
import { type App, body, json, SECURITY } from "../shared";

const route = createRoute({
  method: "put",
  path: "/v1/admin/risk/limits",
  tags: ["Admin"],
  summary: "Replace the merchant's checkout and partner look-up limits",
  description:
    "The whole document, every field required (start from `GET`'s `limits` or `defaults`). Applies to new checkouts and look-ups within seconds; audited as `risk_limits.updated`. Setting the same document again changes nothing else.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("risk.limits")] as const,
  request: { body: body(RiskLimitsSchema) },
  responses: {
    200: json(RiskLimitsViewSchema, "The limits now in force"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden"),
  },
});

export function registerUpdateRiskLimits(app: App) {
  app.openapi(route, async (c) =>
    c.json(await putRiskLimits(c.get("services"), c.get("admin"), c.req.valid("json")), 200),
  );
}
