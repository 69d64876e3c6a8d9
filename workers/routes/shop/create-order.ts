import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent } from "../../middleware";
import { createOrder } from "../../services/orders";
import { ChannelKeyHeader, channelKeyOf } from "../channel-schemas";
import { DeviceIdHeader, requestSignals } from "../risk-schemas";
import { OrderSchema, TimeZoneInput } from "../schemas";
import { type App, body, IdempotencyKeyHeader, json, REPLAY_HEADERS } from "../shared";
import { ShopParam } from "./list-products";

const NewOrderSchema = z
  .object({
    email: z.email().max(320),
    items: z
      .array(
        z.object({
          skuId: z.string().max(64),
          quantity: z.number().int().min(1).max(100),
          recipient: z
            .record(z.string().max(32), z.string().max(128))
            .optional()
            .openapi({
              description: "Direct top-ups only: the account to credit, as the product's `recharge` template asks",
              example: { phone: "13800138000" },
            }),
        }),
      )
      .min(1)
      .max(20),
    timeZone: TimeZoneInput.optional().openapi({
      description: "The buyer's IANA time zone: a subscription bought here renews on its calendar (UTC unless told)",
      example: "Asia/Shanghai",
    }),
  })
  .openapi("NewOrder");

const CreatedOrderSchema = OrderSchema.extend({
  accessToken: z.string().openapi({ description: "Shown once: the buyer's key to this order's page" }),
}).openapi("CreatedOrder");

const route = createRoute({
  method: "post",
  path: "/v1/shops/{shop}/orders",
  tags: ["Shop"],
  summary: "Place an order: reserve stock and start a payment",
  description:
    "Units are reserved until `expiresAt`; an unpaid order then lapses and its stock returns. A bundle reserves every card-secret unit of its components, all or nothing, and a top-up inside it takes the bundle line's `recipient`; a bundle with nothing in it yet is 409. Send an `Idempotency-Key` so a retry never places a second order. The merchant's mini-program or app sends its `X-Channel-Key`: the order is then placed at that channel's prices, within its quotas (409 `quota_exceeded`), and belongs to that channel. The merchant's risk limits apply per email, per IP and per `X-Device-Id`, each with Retry-After: checkout attempts per minute (429 `rate_limited`), unpaid orders open at once (429 `order_limit_reached`; paying or letting one lapse frees its slot), units of one SKU per window (429 `purchase_limit_reached`), and a cool-down after repeated failed payments (429 `payment_cooldown`).",
  // Keys are per channel too: the same key from the shop and from an app are two requests.
  middleware: [
    idempotent((c) => {
      const channelKey = c.req.header("x-channel-key");
      return `shop:${c.req.param("shop")}${channelKey === undefined ? "" : `:${channelKey}`}`;
    }),
  ] as const,
  request: {
    params: z.object({ shop: ShopParam }),
    headers: IdempotencyKeyHeader.extend(ChannelKeyHeader.shape).extend(DeviceIdHeader.shape),
    body: body(NewOrderSchema),
  },
  responses: {
    201: json(CreatedOrderSchema, "The order, awaiting payment", REPLAY_HEADERS),
    ...errorResponses(
      "not_found",
      "insufficient_stock",
      "quota_exceeded",
      "sale_not_started",
      "sale_sold_out",
      "sale_limit_exceeded",
      "rate_limited",
      "order_limit_reached",
      "purchase_limit_reached",
      "payment_cooldown",
      "conflict",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

export function registerCreateOrder(app: App) {
  app.openapi(route, async (c) => {
    const order = await createOrder(
      c.get("services"),
      c.req.valid("param").shop,
      { ...c.req.valid("json"), ...requestSignals(c.req.raw, c.req.valid("header")) },
      new URL(c.req.url).origin,
      channelKeyOf(c.req.valid("header")),
    );
    return c.json(order, 201);
  });
}
