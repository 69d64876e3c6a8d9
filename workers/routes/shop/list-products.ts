import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, errorResponses } from "../../errors";
import { shopProducts } from "../../services/channels/catalog";
import { merchantBySlug } from "../../services/merchants";
import { ChannelKeyHeader, channelKeyOf } from "../channel-schemas";
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
  description:
    "With a mini-program's or app's `X-Channel-Key`, the prices are that channel's and its quotas cap `available`.",
  request: { params: z.object({ shop: ShopParam }), query: PageQuery, headers: ChannelKeyHeader },
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
    return c.json(
      await shopProducts(services, merchant.id, channelKeyOf(c.req.valid("header")), { limit, cursor }),
      200,
    );
  });
}
