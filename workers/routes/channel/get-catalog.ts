import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireChannel } from "../../middleware";
import { resellerCatalog } from "../../services/channels/catalog";
import { channelOf } from "../../services/channels/registry";
import { CatalogProductSchema } from "../channel-schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/channel/catalog",
  tags: ["Channel"],
  summary: "What this reseller may buy: its price list, with its prices, quotas and availability",
  description:
    "Exactly the SKUs the merchant priced for this reseller, at its prices. `available` is what stock and the reseller's quota leave (null where codes are minted without limit).",
  security: SECURITY.channel,
  middleware: [requireChannel()] as const,
  request: { query: PageQuery },
  responses: {
    200: json(pageOf(CatalogProductSchema), "Products newest first, each with the SKUs this reseller may buy"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerGetChannelCatalog(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const { merchantId, channelId } = c.get("channel");
    return c.json(
      await resellerCatalog(services, await channelOf(services, merchantId, channelId), c.req.valid("query")),
      200,
    );
  });
}
