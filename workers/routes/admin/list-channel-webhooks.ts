import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { channelOf } from "../../services/channels/registry";
import { webhooksOf } from "../../services/channels/webhooks";
import { ChannelIdParam, WebhookWithCountsSchema } from "../channel-schemas";
import { type App, json, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/channels/{channelId}/webhooks",
  tags: ["Admin"],
  summary: "The webhook endpoints a reseller registered, with their delivery counts",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("channels.read")] as const,
  request: { params: z.object({ channelId: ChannelIdParam }) },
  responses: {
    200: json(z.object({ data: z.array(WebhookWithCountsSchema) }), "Endpoints in use, oldest first"),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerListChannelWebhooks(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const { merchantId } = c.get("admin");
    const channel = await channelOf(services, merchantId, c.req.valid("param").channelId);
    return c.json(await webhooksOf(services, merchantId, channel.id), 200);
  });
}
