import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { lookUpOrder } from "../../services/orders";
import { ChannelKeyHeader, channelKeyOf } from "../channel-schemas";
import { type App, body, json } from "../shared";
import { ShopParam } from "./list-products";

const route = createRoute({
  method: "post",
  path: "/v1/shops/{shop}/order-lookups",
  tags: ["Shop"],
  summary: "Find an order again by email and order number",
  description:
    "When both match, answers with a fresh access token for the order (valid 90 days); the token made with the order, as in the confirmation link, keeps working too. Anything else is 404. At most 10 lookups per 10 minutes per IP and per email (429 with Retry-After).",
  request: {
    params: z.object({ shop: ShopParam }),
    headers: ChannelKeyHeader,
    body: body(z.object({ email: z.string().trim().max(320), orderId: z.string().trim().min(1).max(64) })),
  },
  responses: {
    200: json(
      z
        .object({
          orderId: z.string(),
          accessToken: z.string().openapi({ description: "Send as `Authorization: Bearer` to read the order" }),
        })
        .openapi("OrderAccess"),
      "A new access token for the order",
    ),
    ...errorResponses("not_found", "rate_limited"),
  },
});

export function registerCreateOrderLookup(app: App) {
  app.openapi(route, async (c) => {
    const clientIp = c.req.header("cf-connecting-ip") ?? "unknown";
    c.header("cache-control", "no-store");
    return c.json(
      await lookUpOrder(
        c.get("services"),
        c.req.valid("param").shop,
        c.req.valid("json"),
        clientIp,
        channelKeyOf(c.req.valid("header")),
      ),
      200,
    );
  });
}
