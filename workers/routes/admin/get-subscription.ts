import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { getSubscription } from "../../services/subscriptions/views";
import { type App, json, PathId, SECURITY } from "../shared";
import { SubscriptionDetailSchema } from "../subscription-schemas";

const route = createRoute({
  method: "get",
  path: "/v1/admin/subscriptions/{subscriptionId}",
  tags: ["Admin"],
  summary: "A subscription with its renewals and history",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("orders.read")] as const,
  request: { params: z.object({ subscriptionId: PathId("subscriptionId", "sub_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    200: json(SubscriptionDetailSchema, "The subscription"),
    ...errorResponses("unauthorized", "forbidden", "not_found"),
  },
});

export function registerGetSubscription(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      await getSubscription(c.get("services"), c.get("admin").merchantId, c.req.valid("param").subscriptionId),
      200,
    ),
  );
}
