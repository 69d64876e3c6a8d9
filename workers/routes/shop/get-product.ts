import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { shopProduct } from "../../services/channels/catalog";
import { shopMerchant } from "../../services/orders";
import { ChannelKeyHeader, channelKeyOf } from "../channel-schemas";
import { ProductSchema } from "../schemas";
import { type App, json, PathId } from "../shared";
import { ShopParam } from "./list-products";

const route = createRoute({
  method: "get",
  path: "/v1/shops/{shop}/products/{productId}",
  tags: ["Shop"],
  summary: "A listed product with its prices, availability and usage guide",
  description:
    "An unlisted product reads as missing (404). With a mini-program's or app's `X-Channel-Key`, the prices are that channel's.",
  request: {
    params: z.object({ shop: ShopParam, productId: PathId("productId", "prd_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    headers: ChannelKeyHeader,
  },
  responses: {
    200: json(ProductSchema, "The product"),
    ...errorResponses("not_found"),
  },
});

export function registerGetShopProduct(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const { shop, productId } = c.req.valid("param");
    const merchant = await shopMerchant(services, shop);
    return c.json(await shopProduct(services, merchant.id, productId, channelKeyOf(c.req.valid("header"))), 200);
  });
}
