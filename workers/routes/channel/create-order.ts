import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireChannel } from "../../middleware";
import { createResellerOrder } from "../../services/channels/reseller-orders";
import { ChannelOrderSchema, NewChannelOrderSchema } from "../channel-schemas";
import { type App, body, IdempotencyKeyHeader, json, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/channel/orders",
  tags: ["Channel"],
  summary: "Buy at this reseller's prices, paid from its prepaid balance",
  description:
    "The order and the debit of its total are one atomic write: when the balance is short the answer is 402 `insufficient_funds` and nothing is held or debited. Past the reseller's quota of a SKU: 409 `quota_exceeded`. With `expectedUnitPrice` on an item, a price list changed since the catalog was read answers 409 `price_changed`. The items keep the price paid, whatever the price list or costs do later. The order is delivered before the answer when it can be (`status: fulfilled`, with `deliveries`); otherwise read it again or wait for the `order.fulfilled` webhook. Send an `Idempotency-Key`: the same key and body return the same order; another body, 422.",
  security: SECURITY.channel,
  middleware: [requireChannel(), idempotent((c) => `channel:${c.get("channel").channelId}`)] as const,
  request: { headers: IdempotencyKeyHeader, body: body(NewChannelOrderSchema) },
  responses: {
    201: json(ChannelOrderSchema, "The order, paid, usually already delivered", REPLAY_HEADERS),
    ...errorResponses(
      "unauthorized",
      "insufficient_funds",
      "forbidden",
      "not_found",
      "insufficient_stock",
      "quota_exceeded",
      "price_changed",
      "conflict",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

export function registerCreateChannelOrder(app: App) {
  app.openapi(route, async (c) =>
    c.json(await createResellerOrder(c.get("services"), c.get("channel"), c.req.valid("json")), 201),
  );
}
