import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { balanceEntries } from "../../services/channels/balance";
import { channelOf } from "../../services/channels/registry";
import { BalanceEntrySchema, ChannelIdParam } from "../channel-schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/channels/{channelId}/balance-entries",
  tags: ["Admin"],
  summary: "A reseller's balance ledger: top-ups, order debits and refunds, newest first",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("channels.read")] as const,
  request: { params: z.object({ channelId: ChannelIdParam }), query: PageQuery },
  responses: {
    200: json(pageOf(BalanceEntrySchema), "A page of movements, each with the balance it left"),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerListChannelBalanceEntries(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const { merchantId } = c.get("admin");
    const channel = await channelOf(services, merchantId, c.req.valid("param").channelId);
    return c.json(await balanceEntries(services, merchantId, channel.id, c.req.valid("query")), 200);
  });
}
