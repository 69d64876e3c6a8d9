import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { resendDelivery } from "../../services/orders";
import { type App, json, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/orders/{orderId}/resend",
  tags: ["Admin"],
  summary: "Send the delivery e-mail of a delivered order again",
  description:
    "Queues the message (recorded in `notifications` with status `queued`); the e-mail sender drains that queue. Only a fulfilled order can be sent again (409).",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("orders.resend")] as const,
  request: { params: z.object({ orderId: PathId("orderId", "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    202: json(z.object({ notificationId: z.string() }), "Queued"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found", "conflict"),
  },
});

export function registerResendOrder(app: App) {
  app.openapi(route, async (c) =>
    c.json(await resendDelivery(c.get("services"), c.get("admin"), c.req.valid("param").orderId), 202),
  );
}
