import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, errorResponses } from "../../errors";
import { openTicket } from "../../services/tickets";
import { ChannelKeyHeader, channelKeyOf } from "../channel-schemas";
import { type App, body, json, PathId, SECURITY } from "../shared";
import { ShopParam } from "./list-products";

const route = createRoute({
  method: "post",
  path: "/v1/shops/{shop}/orders/{orderId}/tickets",
  tags: ["Shop"],
  summary: "Ask the merchant for help with an order",
  description:
    "Authenticate with the order's access token; a wrong token answers 404 like a missing order. At most 5 requests per order per hour (429).",
  security: SECURITY.order,
  request: {
    params: z.object({ shop: ShopParam, orderId: PathId("orderId", "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    headers: ChannelKeyHeader,
    body: body(z.object({ message: z.string().trim().min(1).max(5_000) })),
  },
  responses: {
    201: json(z.object({ id: z.string() }), "The help request, in the merchant's support queue"),
    ...errorResponses("unauthorized", "not_found", "rate_limited"),
  },
});

export function registerCreateTicket(app: App) {
  app.openapi(route, async (c) => {
    const token = /^Bearer\s+(\S{1,200})$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (!token) throw new ApiError("unauthorized", "Send the order's access token as `Authorization: Bearer <token>`");
    const { shop, orderId } = c.req.valid("param");
    return c.json(
      await openTicket(
        c.get("services"),
        shop,
        orderId,
        token,
        c.req.valid("json").message,
        channelKeyOf(c.req.valid("header")),
      ),
      201,
    );
  });
}
