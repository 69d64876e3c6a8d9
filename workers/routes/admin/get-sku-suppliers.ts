import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin } from "../../middleware";
import { requireSupplyRole } from "../../middleware/supply-access";
import { skuSupplyView } from "../../services/suppliers/bindings";
import { type App, json, PathId, SECURITY } from "../shared";
import { SkuSupplySchema } from "../supply-schemas";

const route = createRoute({
  method: "get",
  path: "/v1/admin/skus/{skuId}/suppliers",
  tags: ["Suppliers"],
  summary: "A SKU's suppliers with the stock and cost of their last sync",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireSupplyRole("suppliers.read")] as const,
  request: { params: z.object({ skuId: PathId("skuId", "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    200: json(SkuSupplySchema, "The SKU's suppliers, primary first"),
    ...errorResponses("unauthorized", "forbidden", "not_found"),
  },
});

export function registerGetSkuSuppliers(app: App) {
  app.openapi(route, async (c) =>
    c.json(await skuSupplyView(c.get("services"), c.get("admin").merchantId, c.req.valid("param").skuId), 200),
  );
}
