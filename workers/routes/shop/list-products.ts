import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, errorResponses } from "../../errors";
import { listProducts } from "../../services/catalog";
import { merchantBySlug } from "../../services/merchants";
import { ProductSchema } from "../schemas";
import { type App, json, PageQuery, pageOf } from "../shared";

export const ShopParam = z
  .string()
  .max(64)
  .openapi({ param: { name: "shop", in: "path" }, example: "demo", description: "The shop's slug" });

const route = createRoute({
  method: "get",
  path: "/v1/shops/{shop}/products",
  tags: ["Shop"],
  summary: "The shop's listed products with prices and availability",
  request: { params: z.object({ shop: ShopParam }), query: PageQuery },
  responses: {
    200: json(pageOf(ProductSchema), "Listed products, newest first"),
    ...errorResponses("not_found"),
  },
});

export function registerListShopProducts(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const merchant = await merchantBySlug(services, c.req.valid("param").shop);
    if (!merchant) throw new ApiError("not_found", "No such shop");
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listProducts(services, merchant.id, { listedOnly: true, limit, cursor }), 200);
  });
}
