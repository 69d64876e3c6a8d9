import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { getAdminOrder } from "../../services/orders";
import { MaskedDeliverySchema, OrderSchema } from "../schemas";
import { type App, json, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/orders/{orderId}",
  tags: ["Admin"],
  summary: "One order with its payment and its deliveries (codes masked)",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("orders.read")] as const,
  request: { params: z.object({ orderId: PathId("orderId", "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    200: json(OrderSchema.extend({ deliveries: z.array(MaskedDeliverySchema) }), "The order"),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerGetAdminOrder(app: App) {
  app.openapi(route, async (c) =>
    c.json(await getAdminOrder(c.get("services"), c.get("admin").merchantId, c.req.valid("param").orderId), 200),
  );
}
