import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { revealDelivery } from "../../services/orders";
import { type App, json, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/orders/{orderId}/deliveries/{deliveryId}/reveal",
  tags: ["Admin"],
  summary: "Reveal a delivery's full code (audited)",
  description: "Each reveal is written to the audit log before the code is shown. Support staff may not reveal (403).",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("codes.reveal")] as const,
  request: {
    params: z.object({
      orderId: PathId("orderId", "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"),
      deliveryId: PathId("deliveryId", "dlv_01JD5ZQ8W4N3M2K1H0G9F8E7D6"),
    }),
  },
  responses: {
    200: json(
      z.object({ code: z.string(), secret: z.string().optional() }).openapi("RevealedCode"),
      "The full code, and the card secret's PIN if it has one",
    ),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found"),
  },
});

export function registerRevealDelivery(app: App) {
  app.openapi(route, async (c) => {
    const { orderId, deliveryId } = c.req.valid("param");
    c.header("cache-control", "no-store");
    return c.json(await revealDelivery(c.get("services"), c.get("admin"), orderId, deliveryId), 200);
  });
}
