import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, errorResponses } from "../../errors";
import { idempotent } from "../../middleware";
import { cancelForBuyer } from "../../services/subscriptions/views";
import { type App, IdempotencyKeyHeader, json, PathId, REPLAY_HEADERS, SECURITY } from "../shared";
import { SubscriptionSchema } from "../subscription-schemas";
import { ShopParam } from "./list-products";

const route = createRoute({
  method: "post",
  path: "/v1/shops/{shop}/orders/{orderId}/subscriptions/{subscriptionId}/cancel",
  tags: ["Shop"],
  summary: "Cancel a subscription from its order's page",
  description:
    "Authenticate with the order's access token (the order that started the subscription, or one of its renewals); a wrong token, or a subscription this order has nothing to do with, answers 404. Nothing renews after the period already paid for, which runs to its end. Cancelling again answers the cancelled subscription; a lapsed one is 409.",
  security: SECURITY.order,
  middleware: [idempotent((c) => `shop:${c.req.param("shop")}:order:${c.req.param("orderId")}`)] as const,
  request: {
    params: z.object({
      shop: ShopParam,
      orderId: PathId("orderId", "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"),
      subscriptionId: PathId("subscriptionId", "sub_01JD5ZQ8W4N3M2K1H0G9F8E7D6"),
    }),
    headers: IdempotencyKeyHeader,
  },
  responses: {
    200: json(SubscriptionSchema, "The cancelled subscription", REPLAY_HEADERS),
    ...errorResponses("unauthorized", "not_found", "conflict", "idempotency_key_reused", "idempotency_key_in_use"),
  },
});

export function registerCancelShopSubscription(app: App) {
  app.openapi(route, async (c) => {
    const token = /^Bearer\s+(\S{1,200})$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (!token) throw new ApiError("unauthorized", "Send the order's access token as `Authorization: Bearer <token>`");
    const { shop, orderId, subscriptionId } = c.req.valid("param");
    return c.json(await cancelForBuyer(c.get("services"), shop, orderId, subscriptionId, token), 200);
  });
}
