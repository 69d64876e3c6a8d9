import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { updateSku } from "../../services/catalog";
import { PolicySchema, SkuSchema } from "../schemas";
import { type App, body, json, MoneySchema, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "patch",
  path: "/v1/admin/skus/{skuId}",
  tags: ["Admin"],
  summary: "Edit a SKU: name, price, low-stock threshold, code policy",
  description: "Orders already placed keep the price and the code policy they were placed at.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("catalog.write")] as const,
  request: {
    params: z.object({ skuId: PathId("skuId", "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    body: body(
      z
        .object({
          name: z.string().trim().min(1).max(200).optional(),
          price: MoneySchema.optional(),
          lowStockThreshold: z
            .number()
            .int()
            .min(0)
            .max(1_000_000)
            .nullable()
            .optional()
            .openapi({ description: "Warn at this many available units or fewer; null for no warning" }),
          policy: PolicySchema.partial()
            .optional()
            .openapi({ description: "Fields left out keep their value; checked against the product's kind" }),
        })
        .openapi("SkuChanges"),
    ),
  },
  responses: {
    200: json(SkuSchema, "The SKU as it is now"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found", "invalid_policy"),
  },
});

export function registerUpdateSku(app: App) {
  app.openapi(route, async (c) =>
    c.json(await updateSku(c.get("services"), c.get("admin"), c.req.valid("param").skuId, c.req.valid("json")), 200),
  );
}
