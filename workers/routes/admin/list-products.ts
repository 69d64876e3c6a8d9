import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listProducts } from "../../services/catalog";
import { ProductSchema } from "../schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/products",
  tags: ["Admin"],
  summary: "List the merchant's products, listed or not",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("catalog.read")] as const,
  request: { query: PageQuery },
  responses: {
    200: json(pageOf(ProductSchema), "A page of products, newest first"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListAdminProducts(app: App) {
  app.openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(
      await listProducts(c.get("services"), c.get("admin").merchantId, { listedOnly: false, limit, cursor }),
      200,
    );
  });
}
