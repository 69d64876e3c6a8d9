import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { editPriceList } from "../../services/channels/price-lists";
import { ChannelIdParam, PriceListEditSchema } from "../channel-schemas";
import { type App, body, json, SECURITY } from "../shared";

const route = createRoute({
  method: "patch",
  path: "/v1/admin/channels/{channelId}/prices",
  tags: ["Admin"],
  summary: "Bulk-edit a channel's price list: set prices and quotas, remove entries",
  description:
    "All or nothing, up to 200 entries each way. Prices are in the SKU's currency (a reseller's also in its balance's). A consumer channel sells every listed SKU, at its own price where it has one; a reseller sells exactly what its list holds. A quota counts units of the channel's live orders and cannot be set below what is already sold (409). Orders already placed keep the price they were placed at.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("channels.manage")] as const,
  request: { params: z.object({ channelId: ChannelIdParam }), body: body(PriceListEditSchema) },
  responses: {
    200: json(z.object({ set: z.number().int(), removed: z.number().int() }), "How many entries changed"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found", "conflict"),
  },
});

export function registerUpdateChannelPrices(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      await editPriceList(c.get("services"), c.get("admin"), c.req.valid("param").channelId, c.req.valid("json")),
      200,
    ),
  );
}
