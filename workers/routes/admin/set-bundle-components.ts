import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { setBundleComponents } from "../../services/bundles";
import { type App, body, json, PathId, SECURITY } from "../shared";
import { BundleCompositionSchema, ComponentsInputSchema } from "../subscription-schemas";

const route = createRoute({
  method: "put",
  path: "/v1/admin/skus/{skuId}/components",
  tags: ["Admin"],
  summary: "Set what a bundle SKU delivers",
  description:
    "Replaces the bundle's components: 1 to 10 distinct SKUs of this merchant, in the bundle's currency, each 1 to 100 times; no bundle inside a bundle and no subscription SKU. The bundle sells at its own price, shared over the components by list value (largest remainder, so the shares add up). Orders already placed keep what they were bought with. Replaying the same body changes nothing.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("catalog.write")] as const,
  request: {
    params: z.object({ skuId: PathId("skuId", "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    body: body(ComponentsInputSchema),
  },
  responses: {
    200: json(BundleCompositionSchema, "The bundle's components, with each one's share of its price"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found", "conflict"),
  },
});

export function registerSetBundleComponents(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      await setBundleComponents(
        c.get("services"),
        c.get("admin"),
        c.req.valid("param").skuId,
        c.req.valid("json").components,
      ),
      200,
    ),
  );
}
