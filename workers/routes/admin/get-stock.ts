import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { stockLevels } from "../../services/stock";
import { type App, json, PathId, SECURITY } from "../shared";

const StockLevelsSchema = z
  .object({
    skuId: z.string(),
    available: z.number().int().nullable(),
    reserved: z.number().int(),
    sold: z.number().int(),
  })
  .openapi("StockLevels");

const route = createRoute({
  method: "get",
  path: "/v1/admin/skus/{skuId}/stock",
  tags: ["Admin"],
  summary: "Stock levels of a SKU, straight from its StockKeeper",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("catalog.read")] as const,
  request: { params: z.object({ skuId: PathId("skuId", "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    200: json(StockLevelsSchema, "Units available, reserved by unpaid orders, and sold"),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerGetStock(app: App) {
  app.openapi(route, async (c) =>
    c.json(await stockLevels(c.get("services"), c.get("admin").merchantId, c.req.valid("param").skuId), 200),
  );
}
