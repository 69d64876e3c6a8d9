import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listSubscriptions } from "../../services/subscriptions/views";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";
import { SubscriptionSchema, SubscriptionStatusSchema } from "../subscription-schemas";

const route = createRoute({
  method: "get",
  path: "/v1/admin/subscriptions",
  tags: ["Admin"],
  summary: "Subscriptions, newest first",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("orders.read")] as const,
  request: {
    query: PageQuery.extend({
      status: SubscriptionStatusSchema.optional().openapi({ param: { name: "status", in: "query" } }),
      email: z
        .string()
        .max(320)
        .optional()
        .openapi({ param: { name: "email", in: "query" }, description: "The buyer's email, matched exactly" }),
    }),
  },
  responses: {
    200: json(pageOf(SubscriptionSchema), "A page of subscriptions"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerListSubscriptions(app: App) {
  app.openapi(route, async (c) =>
    c.json(await listSubscriptions(c.get("services"), c.get("admin").merchantId, c.req.valid("query")), 200),
  );
}
