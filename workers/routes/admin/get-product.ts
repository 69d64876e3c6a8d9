import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { getProduct } from "../../services/catalog";
import { ProductSchema } from "../schemas";
import { type App, json, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/products/{productId}",
  tags: ["Admin"],
  summary: "One product with its SKUs, listed or not",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("catalog.read")] as const,
  request: { params: z.object({ productId: PathId("productId", "prd_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    200: json(ProductSchema, "The product"),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerGetAdminProduct(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      await getProduct(c.get("services"), c.get("admin").merchantId, c.req.valid("param").productId, {
        listedOnly: false,
      }),
      200,
    ),
  );
}
