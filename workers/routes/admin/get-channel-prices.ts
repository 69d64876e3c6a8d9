import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { priceList } from "../../services/channels/price-lists";
import { ChannelIdParam, PriceListLineSchema } from "../channel-schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/channels/{channelId}/prices",
  tags: ["Admin"],
  summary: "A channel's price list: every SKU with the channel's price, quota and units sold",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("channels.read")] as const,
  request: {
    params: z.object({ channelId: ChannelIdParam }),
    query: PageQuery.extend({
      priced: z
        .enum(["true", "false"])
        .optional()
        .openapi({ param: { name: "priced", in: "query" }, description: "`true`: only SKUs in the price list" }),
    }),
  },
  responses: {
    200: json(pageOf(PriceListLineSchema), "SKUs, newest first"),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerGetChannelPrices(app: App) {
  app.openapi(route, async (c) => {
    const { priced, ...page } = c.req.valid("query");
    return c.json(
      await priceList(c.get("services"), c.get("admin").merchantId, c.req.valid("param").channelId, {
        ...page,
        pricedOnly: priced === "true",
      }),
      200,
    );
  });
}
