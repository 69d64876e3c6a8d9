import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireChannel } from "../../middleware";
import { balanceEntries } from "../../services/channels/balance";
import { BalanceEntrySchema } from "../channel-schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/channel/balance/entries",
  tags: ["Channel"],
  summary: "This reseller's balance ledger, newest first",
  security: SECURITY.channel,
  middleware: [requireChannel()] as const,
  request: { query: PageQuery },
  responses: {
    200: json(pageOf(BalanceEntrySchema), "Top-ups, order debits and refunds, each with the balance it left"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerListChannelBalanceEntriesForReseller(app: App) {
  app.openapi(route, async (c) => {
    const { merchantId, channelId } = c.get("channel");
    return c.json(await balanceEntries(c.get("services"), merchantId, channelId, c.req.valid("query")), 200);
  });
}
