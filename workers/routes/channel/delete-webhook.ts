import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireChannel } from "../../middleware";
import { removeWebhook } from "../../services/channels/webhooks";
import { type App, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "delete",
  path: "/v1/channel/webhooks/{webhookId}",
  tags: ["Channel"],
  summary: "Remove a webhook endpoint",
  description: "Nothing more is sent to it; deliveries still pending for it are given up.",
  security: SECURITY.channel,
  middleware: [requireChannel()] as const,
  request: { params: z.object({ webhookId: PathId("webhookId", "whk_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    204: { description: "Removed" },
    ...errorResponses("unauthorized", "forbidden", "not_found"),
  },
});

export function registerDeleteChannelWebhook(app: App) {
  app.openapi(route, async (c) => {
    await removeWebhook(c.get("services"), c.get("channel"), c.req.valid("param").webhookId);
    return c.body(null, 204);
  });
}
