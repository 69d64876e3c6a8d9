import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { channelsOf } from "../../services/channels/registry";
import { ChannelSchema } from "../channel-schemas";
import { type App, json, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/channels",
  tags: ["Admin"],
  summary: "The merchant's channels, the shop first",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("channels.read")] as const,
  responses: {
    200: json(z.object({ data: z.array(ChannelSchema) }), "Every channel, oldest first"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListChannels(app: App) {
  app.openapi(route, async (c) => c.json(await channelsOf(c.get("services"), c.get("admin").merchantId), 200));
}
