import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { channelDetail } from "../../services/channels/registry";
import { ChannelDetailSchema, ChannelIdParam } from "../channel-schemas";
import { type App, json, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/channels/{channelId}",
  tags: ["Admin"],
  summary: "A channel, with a reseller's keys (prefixes only) and balance",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("channels.read")] as const,
  request: { params: z.object({ channelId: ChannelIdParam }) },
  responses: {
    200: json(ChannelDetailSchema, "The channel"),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerGetChannel(app: App) {
  app.openapi(route, async (c) =>
    c.json(await channelDetail(c.get("services"), c.get("admin").merchantId, c.req.valid("param").channelId), 200),
  );
}
