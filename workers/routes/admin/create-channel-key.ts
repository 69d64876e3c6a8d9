import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { issueChannelKey } from "../../services/channels/registry";
import { ChannelIdParam } from "../channel-schemas";
import { type App, IdempotencyKeyHeader, json, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/channels/{channelId}/keys",
  tags: ["Admin"],
  summary: "Issue a secret key for a reseller (`tess_channel_…`, shown once)",
  description: "Only the key's SHA-256 is stored. A channel that is not a reseller has no secret keys (409).",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("channels.manage"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: { params: z.object({ channelId: ChannelIdParam }), headers: IdempotencyKeyHeader },
  responses: {
    201: json(
      z
        .object({
          id: z.string(),
          apiKey: z.string().openapi({ description: "Shown this once; only its hash is stored" }),
          prefix: z.string(),
          createdAt: z.string(),
        })
        .openapi("IssuedChannelKey"),
      "The new key",
      REPLAY_HEADERS,
    ),
    ...errorResponses(
      "unauthorized",
      "csrf_failed",
      "forbidden",
      "not_found",
      "conflict",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

export function registerCreateChannelKey(app: App) {
  app.openapi(route, async (c) =>
    c.json(await issueChannelKey(c.get("services"), c.get("admin"), c.req.valid("param").channelId), 201),
  );
}
