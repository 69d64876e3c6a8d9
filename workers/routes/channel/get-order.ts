import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireChannel } from "../../middleware";
import { resellerOrder } from "../../services/channels/reseller-orders";
import { ChannelOrderSchema } from "../channel-schemas";
import { type App, json, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/channel/orders/{orderId}",
  tags: ["Channel"],
  summary: "One of this reseller's orders, with its codes once delivered",
  description: "Another reseller's order, or a shop order, answers 404 like one that does not exist.",
  security: SECURITY.channel,
  middleware: [requireChannel()] as const,
  request: { params: z.object({ orderId: PathId("orderId", "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    200: json(ChannelOrderSchema, "The order"),
    ...errorResponses("unauthorized", "forbidden", "not_found"),
  },
});

export function registerGetChannelOrder(app: App) {
  app.openapi(route, async (c) =>
    c.json(await resellerOrder(c.get("services"), c.get("channel"), c.req.valid("param").orderId), 200),
  );
}
