import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { revokeChannelKey } from "../../services/channels/registry";
import { ChannelIdParam } from "../channel-schemas";
import { type App, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "delete",
  path: "/v1/admin/channels/{channelId}/keys/{channelKeyId}",
  tags: ["Admin"],
  summary: "Revoke a reseller's key",
  description:
    "The key stops working at once on the Worker instance that revoked it, and within 30 seconds on the others (their cached check lapses). Revoking a revoked key changes nothing.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("channels.manage")] as const,
  request: {
    params: z.object({
      channelId: ChannelIdParam,
      channelKeyId: PathId("channelKeyId", "key_01JD5ZQ8W4N3M2K1H0G9F8E7D6"),
    }),
  },
  responses: {
    204: { description: "Revoked" },
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found"),
  },
});

export function registerRevokeChannelKey(app: App) {
  app.openapi(route, async (c) => {
    const { channelId, channelKeyId } = c.req.valid("param");
    await revokeChannelKey(c.get("services"), c.get("admin"), channelId, channelKeyId);
    return c.body(null, 204);
  });
}
