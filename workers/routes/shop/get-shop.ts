import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { shopMerchant } from "../../services/orders";
import { type App, json } from "../shared";
import { ShopParam } from "./list-products";

const route = createRoute({
  method: "get",
  path: "/v1/shops/{shop}",
  tags: ["Shop"],
  summary: "The shop's name and default language",
  request: { params: z.object({ shop: ShopParam }) },
  responses: {
    200: json(
      z
        .object({ slug: z.string(), name: z.string(), locale: z.string().openapi({ example: "zh-CN" }) })
        .openapi("Shop"),
      "The shop",
    ),
    ...errorResponses("not_found"),
  },
});

export function registerGetShop(app: App) {
  app.openapi(route, async (c) => {
    const merchant = await shopMerchant(c.get("services"), c.req.valid("param").shop);
    return c.json({ slug: merchant.slug, name: merchant.name, locale: merchant.locale }, 200);
  });
}
