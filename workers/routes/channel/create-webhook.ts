import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireChannel } from "../../middleware";
import { registerWebhook } from "../../services/channels/webhooks";
import { WebhookSchema } from "../channel-schemas";
import { type App, body, IdempotencyKeyHeader, json, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/channel/webhooks",
  tags: ["Channel"],
  summary: "Register an https endpoint for this reseller's order outcomes",
  description:
    'Each `order.fulfilled` and `order.refunded` of this reseller\'s orders is POSTed to the endpoint as JSON with `Tessera-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` under the secret shown once here, and `Tessera-Event-Id`. Verify the raw bytes before parsing, and skip an event id already handled: a delivery is retried with backoff until a 2xx (up to 8 attempts). At most 5 endpoints.',
  security: SECURITY.channel,
  middleware: [requireChannel(), idempotent((c) => `channel:${c.get("channel").channelId}`)] as const,
  request: {
    headers: IdempotencyKeyHeader,
    body: body(
      z
        .object({ url: z.string().max(2048).openapi({ example: "https://reseller.example.com/hooks/tessera" }) })
        .openapi("NewChannelWebhook"),
    ),
  },
  responses: {
    201: json(
      WebhookSchema.extend({
        secret: z.string().openapi({ description: "Shown this once: the key of every signature" }),
      }).openapi("CreatedChannelWebhook"),
      "The endpoint and its signing secret",
      REPLAY_HEADERS,
    ),
    ...errorResponses("unauthorized", "forbidden", "conflict", "idempotency_key_reused", "idempotency_key_in_use"),
  },
});

export function registerCreateChannelWebhook(app: App) {
  app.openapi(route, async (c) =>
    c.json(await registerWebhook(c.get("services"), c.get("channel"), c.req.valid("json")), 201),
  );
}
