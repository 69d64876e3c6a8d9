import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { stockOverview } from "../../services/catalog";
import { type App, json, SECURITY } from "../shared";

const StockLevelSchema = z
  .object({
    skuId: z.string(),
    productName: z.string(),
    skuName: z.string(),
    kind: z.enum(["card_secret", "shared_account"]).openapi({
      description:
        "`shared_account` (loop stock) counts seats: `GET /v1/admin/skus/{skuId}/accounts` lists them per credential",
    }),
    available: z.number().int(),
    reserved: z.number().int(),
    sold: z.number().int(),
    lowStockThreshold: z.number().int().nullable(),
    low: z.boolean().openapi({ description: "available ≤ lowStockThreshold" }),
  })
  .openapi("StockLevel");

const route = createRoute({
  method: "get",
  path: "/v1/admin/stock",
  tags: ["Admin"],
  summary: "Stock levels of every card-secret and shared-account SKU, with low-stock flags",
  description:
    "Read from the catalog's read model, which follows each SKU's StockKeeper within moments; `GET /v1/admin/skus/{skuId}/stock` asks the keeper itself.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("catalog.read")] as const,
  responses: {
    200: json(z.object({ data: z.array(StockLevelSchema) }), "Levels by product, then SKU"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListStock(app: App) {
  app.openapi(route, async (c) => c.json(await stockOverview(c.get("services"), c.get("admin").merchantId), 200));
}
