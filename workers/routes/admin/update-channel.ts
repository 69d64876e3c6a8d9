import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { updateChannel } from "../../services/channels/registry";
import { ChannelDetailSchema, ChannelIdParam } from "../channel-schemas";
import { type App, body, json, SECURITY } from "../shared";

const route = createRoute({
  method: "patch",
  path: "/v1/admin/channels/{channelId}",
  tags: ["Admin"],
  summary: "Rename a channel, suspend or resume it, or change a reseller's contact email",
  description:
    "A suspended reseller's keys answer 403 on every channel route; a suspended mini-program or app sells nothing (its key names no channel for catalogs and new orders: 404), while its buyers still read the orders they placed. Until it is resumed. The shop cannot be suspended (409).",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("channels.manage")] as const,
  request: {
    params: z.object({ channelId: ChannelIdParam }),
    body: body(
      z
        .object({
          name: z.string().trim().min(1).max(200).optional(),
          status: z.enum(["active", "suspended"]).optional(),
          contactEmail: z.email().max(320).optional(),
        })
        .openapi("ChannelChanges"),
    ),
  },
  responses: {
    200: json(ChannelDetailSchema, "The channel as it is now"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found", "conflict"),
  },
});

export function registerUpdateChannel(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      await updateChannel(c.get("services"), c.get("admin"), c.req.valid("param").channelId, c.req.valid("json")),
      200,
    ),
  );
}
