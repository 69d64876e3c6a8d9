import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listDecisions } from "../../services/risk/reviews";
import { DecisionEntrySchema } from "../risk-scoring-schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/risk/decisions",
  tags: ["Admin"],
  summary: "The decision log: the rules' decisions and who overruled what, newest first",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("risk.read")] as const,
  request: {
    query: PageQuery.extend({
      orderId: z
        .string()
        .max(64)
        .optional()
        .openapi({ param: { name: "orderId", in: "query" }, description: "Decisions on this order only" }),
    }),
  },
  responses: {
    200: json(pageOf(DecisionEntrySchema), "A page of decisions"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListRiskDecisions(app: App) {
  app.openapi(route, async (c) =>
    c.json(await listDecisions(c.get("services"), c.get("admin").merchantId, c.req.valid("query")), 200),
  );
}
