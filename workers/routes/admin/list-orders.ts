import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { dateRange, listOrders } from "../../services/orders";
import { IsoDateInput, OrderSchema, OrderStatusSchema, TimeZoneInput } from "../schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/orders",
  tags: ["Admin"],
  summary: "List orders, newest first",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("orders.read")] as const,
  request: {
    query: PageQuery.extend({
      status: OrderStatusSchema.optional().openapi({ param: { name: "status", in: "query" } }),
      email: z
        .string()
        .max(320)
        .optional()
        .openapi({ param: { name: "email", in: "query" } }),
      orderId: z
        .string()
        .max(64)
        .optional()
        .openapi({ param: { name: "orderId", in: "query" }, description: "Exact order id" }),
      channelId: z
        .string()
        .max(64)
        .optional()
        .openapi({
          param: { name: "channelId", in: "query" },
          description: "Orders of this channel (a mini-program, an app, a reseller); `shop` for the shop's own",
        }),
      from: IsoDateInput.optional().openapi({
        param: { name: "from", in: "query" },
        description: "Created on or after: `YYYY-MM-DD` (the whole day, in `tz`) or an ISO 8601 timestamp",
      }),
      to: IsoDateInput.optional().openapi({
        param: { name: "to", in: "query" },
        description: "Created on or before: `YYYY-MM-DD` (the whole day, in `tz`) or an ISO 8601 timestamp",
      }),
      tz: TimeZoneInput.optional().openapi({
        param: { name: "tz", in: "query" },
        description: "The IANA time zone bare dates are read in; UTC unless given",
        example: "Asia/Shanghai",
      }),
    }),
  },
  responses: {
    200: json(pageOf(OrderSchema), "A page of orders"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListOrders(app: App) {
  app.openapi(route, async (c) => {
    const { from, to, tz, channelId, ...filters } = c.req.valid("query");
    return c.json(
      await listOrders(c.get("services"), c.get("admin").merchantId, {
        ...filters,
        ...(channelId === undefined ? {} : { channelId: channelId === "shop" ? null : channelId }),
        ...dateRange({ from, to }, tz),
      }),
      200,
    );
  });
}
