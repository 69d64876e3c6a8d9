import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { createChannel } from "../../services/channels/registry";
import { ChannelSchema, NewChannelSchema } from "../channel-schemas";
import { type App, body, IdempotencyKeyHeader, json, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/channels",
  tags: ["Admin"],
  summary: "Add a channel: a mini-program, an app or a reseller",
  description:
    "A mini-program or app gets its publishable `X-Channel-Key` for the shop API; a reseller needs a contact email and keeps a prepaid balance (CNY unless `currency` says otherwise). The shop exists from the start.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("channels.manage"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: { headers: IdempotencyKeyHeader, body: body(NewChannelSchema) },
  responses: {
    201: json(ChannelSchema, "The new channel", REPLAY_HEADERS),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "idempotency_key_reused", "idempotency_key_in_use"),
  },
});

export function registerCreateChannel(app: App) {
  app.openapi(route, async (c) =>
    c.json(await createChannel(c.get("services"), c.get("admin"), c.req.valid("json")), 201),
  );
}
