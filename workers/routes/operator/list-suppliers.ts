import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireOperator } from "../../middleware";
import { listSuppliersForReview } from "../../services/suppliers/registry";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";
import { ReviewedSupplierSchema, SupplierStatusSchema } from "../supply-schemas";

const route = createRoute({
  method: "get",
  path: "/v1/operator/suppliers",
  tags: ["Operator"],
  summary: "Suppliers of every merchant, for vetting (filter `status=pending`)",
  security: SECURITY.operator,
  middleware: [requireOperator()] as const,
  request: {
    query: PageQuery.extend({
      status: SupplierStatusSchema.optional().openapi({ param: { name: "status", in: "query" } }),
    }),
  },
  responses: {
    200: json(pageOf(ReviewedSupplierSchema), "A page of suppliers, newest first"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListSuppliersForReview(app: App) {
  app.openapi(route, async (c) => c.json(await listSuppliersForReview(c.get("services"), c.req.valid("query")), 200));
}
