import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { setRenewalPlan } from "../../services/subscriptions/plans";
import { type App, body, json, PathId, SECURITY } from "../shared";
import { RenewalPlanSchema } from "../subscription-schemas";

const RenewalInput = z
  .object({
    renewal: RenewalPlanSchema.nullable().openapi({ description: "The plan, or null to sell the SKU once again" }),
  })
  .openapi("SkuRenewalInput");

const route = createRoute({
  method: "put",
  path: "/v1/admin/skus/{skuId}/renewal",
  tags: ["Admin"],
  summary: "Sell a SKU as a subscription (周期购), or as a one-off purchase again",
  description:
    "A buyer of a subscription SKU pays the first period at checkout (the sandbox saves the card) and is charged again at the end of every period by the cron, off session; each renewal is an order delivered like any other. Subscriptions already sold keep their plan and price. A SKU inside a bundle cannot be a subscription (409): make the bundle one.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("catalog.write")] as const,
  request: {
    params: z.object({ skuId: PathId("skuId", "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    body: body(RenewalInput),
  },
  responses: {
    200: json(z.object({ skuId: z.string(), renewal: RenewalPlanSchema.nullable() }), "The SKU's plan"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found", "conflict"),
  },
});

export function registerSetSkuRenewal(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      await setRenewalPlan(c.get("services"), c.get("admin"), c.req.valid("param").skuId, c.req.valid("json").renewal),
      200,
    ),
  );
}
