import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireChannel } from "../../middleware";
import { resellerOrders } from "../../services/channels/reseller-orders";
import { OrderSchema, OrderStatusSchema } from "../schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/channel/orders",
  tags: ["Channel"],
  summary: "This reseller's orders, newest first",
  security: SECURITY.channel,
  middleware: [requireChannel()] as const,
  request: {
    query: PageQuery.extend({
      status: OrderStatusSchema.optional().openapi({ param: { name: "status", in: "query" } }),
    }),
  },
  responses: {
    200: json(pageOf(OrderSchema), "A page of orders (read one for its codes)"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerListChannelOrders(app: App) {
  app.openapi(route, async (c) =>
    c.json(await resellerOrders(c.get("services"), c.get("channel"), c.req.valid("query")), 200),
  );
}
