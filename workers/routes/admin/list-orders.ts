import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin } from "../../middleware";
import { listOrders } from "../../services/orders";
import { OrderSchema, OrderStatusSchema } from "../schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/orders",
  tags: ["Admin"],
  summary: "List orders, newest first",
  security: SECURITY.admin,
  middleware: [requireAdmin()] as const,
  request: {
    query: PageQuery.extend({
      status: OrderStatusSchema.optional().openapi({ param: { name: "status", in: "query" } }),
      email: z
        .string()
        .max(320)
        .optional()
        .openapi({ param: { name: "email", in: "query" } }),
    }),
  },
  responses: {
    200: json(pageOf(OrderSchema), "A page of orders"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListOrders(app: App) {
  app.openapi(route, async (c) =>
    c.json(await listOrders(c.get("services"), c.get("admin").merchantId, c.req.valid("query")), 200),
  );
}
