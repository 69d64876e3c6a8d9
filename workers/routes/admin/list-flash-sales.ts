import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listFlashSales } from "../../services/flash-sales";
import { FlashSaleSchema } from "../flash-sale-schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/flash-sales",
  tags: ["Admin"],
  summary: "The merchant's flash sales, newest first",
  description: "Levels come from the shards' read model, which follows them within moments.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("catalog.read")] as const,
  request: {
    query: PageQuery.extend({
      skuId: z
        .string()
        .max(128)
        .optional()
        .openapi({ param: { name: "skuId", in: "query" }, description: "Only this SKU's sales" }),
    }),
  },
  responses: {
    200: json(pageOf(FlashSaleSchema), "A page of flash sales"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListFlashSales(app: App) {
  app.openapi(route, async (c) =>
    c.json(await listFlashSales(c.get("services"), c.get("admin").merchantId, c.req.valid("query")), 200),
  );
}
