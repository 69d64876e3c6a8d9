import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireChannel } from "../../middleware";
import { channelOf } from "../../services/channels/registry";
import { type App, json, MoneySchema, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/channel/balance",
  tags: ["Channel"],
  summary: "This reseller's prepaid balance",
  security: SECURITY.channel,
  middleware: [requireChannel()] as const,
  responses: {
    200: json(
      z.object({ channelId: z.string(), name: z.string(), balance: MoneySchema }).openapi("ChannelBalance"),
      "The balance now",
    ),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerGetChannelBalance(app: App) {
  app.openapi(route, async (c) => {
    const { merchantId, channelId } = c.get("channel");
    const channel = await channelOf(c.get("services"), merchantId, channelId);
    return c.json(
      {
        channelId: channel.id,
        name: channel.name,
        balance: { amount: channel.balanceAmount, currency: channel.balanceCurrency },
      },
      200,
    );
  });
}
