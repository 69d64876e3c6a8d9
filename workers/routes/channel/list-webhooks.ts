import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireChannel } from "../../middleware";
import { webhooksOf } from "../../services/channels/webhooks";
import { WebhookWithCountsSchema } from "../channel-schemas";
import { type App, json, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/channel/webhooks",
  tags: ["Channel"],
  summary: "This reseller's webhook endpoints, with their delivery counts",
  security: SECURITY.channel,
  middleware: [requireChannel()] as const,
  responses: {
    200: json(z.object({ data: z.array(WebhookWithCountsSchema) }), "Endpoints in use (never their secrets)"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerListChannelWebhooksForReseller(app: App) {
  app.openapi(route, async (c) => {
    const { merchantId, channelId } = c.get("channel");
    return c.json(await webhooksOf(c.get("services"), merchantId, channelId), 200);
  });
}
