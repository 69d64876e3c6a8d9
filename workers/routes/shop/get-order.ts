import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, errorResponses } from "../../errors";
import { getShopOrder } from "../../services/orders";
import { DeliverySchema, OrderSchema } from "../schemas";
import { type App, json, PathId, SECURITY } from "../shared";
import { OrderSubscriptionSchema } from "../subscription-schemas";
import { ShopParam } from "./list-products";

const route = createRoute({
  method: "get",
  path: "/v1/shops/{shop}/orders/{orderId}",
  tags: ["Shop"],
  summary: "The buyer's order, with its codes once delivered",
  description:
    "Authenticate with the order's access token. A wrong token answers 404, like an order that does not exist.",
  security: SECURITY.order,
  request: { params: z.object({ shop: ShopParam, orderId: PathId("orderId", "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    200: json(
      OrderSchema.extend({
        deliveries: z.array(DeliverySchema),
        subscriptions: z.array(OrderSubscriptionSchema).openapi({
          description: "The subscriptions this order started or renews; the token opens their renewal orders",
        }),
      }),
      "The order",
    ),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerGetShopOrder(app: App) {
  app.openapi(route, async (c) => {
    const token = /^Bearer\s+(\S{1,200})$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (!token) throw new ApiError("unauthorized", "Send the order's access token as `Authorization: Bearer <token>`");
    const { shop, orderId } = c.req.valid("param");
    return c.json(await getShopOrder(c.get("services"), shop, orderId, token), 200);
  });
}
