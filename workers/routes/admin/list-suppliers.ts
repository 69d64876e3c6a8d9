import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin } from "../../middleware";
import { requireSupplyRole } from "../../middleware/supply-access";
import { listMerchantSuppliers } from "../../services/suppliers/registry";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";
import { SupplierSchema, SupplierStatusSchema } from "../supply-schemas";

const route = createRoute({
  method: "get",
  path: "/v1/admin/suppliers",
  tags: ["Suppliers"],
  summary: "List the merchant's suppliers with their vetting status",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireSupplyRole("suppliers.read")] as const,
  request: {
    query: PageQuery.extend({
      status: SupplierStatusSchema.optional().openapi({ param: { name: "status", in: "query" } }),
    }),
  },
  responses: {
    200: json(pageOf(SupplierSchema), "A page of suppliers, newest first"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerListSuppliers(app: App) {
  app.openapi(route, async (c) =>
    c.json(await listMerchantSuppliers(c.get("services"), c.get("admin").merchantId, c.req.valid("query")), 200),
  );
}
