import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { channelOf } from "../../services/channels/registry";
import { deliveriesOf } from "../../services/channels/webhooks";
import { ChannelIdParam, WebhookDeliverySchema } from "../channel-schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/channels/{channelId}/webhook-deliveries",
  tags: ["Admin"],
  summary: "A reseller's webhook deliveries, newest first, with attempts and last answers",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("channels.read")] as const,
  request: { params: z.object({ channelId: ChannelIdParam }), query: PageQuery },
  responses: {
    200: json(pageOf(WebhookDeliverySchema), "A page of deliveries"),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerListChannelWebhookDeliveries(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const { merchantId } = c.get("admin");
    const channel = await channelOf(services, merchantId, c.req.valid("param").channelId);
    return c.json(await deliveriesOf(services, merchantId, channel.id, c.req.valid("query")), 200);
  });
}
