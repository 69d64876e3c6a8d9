import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin } from "../../middleware";
import { requireSupplyRole } from "../../middleware/supply-access";
import { setSkuSupply } from "../../services/suppliers/bindings";
import { type App, body, json, MoneySchema, PathId, SECURITY } from "../shared";
import { SkuSupplySchema } from "../supply-schemas";

const SkuSupplyInputSchema = z
  .object({
    suppliers: z
      .array(
        z.object({
          supplierId: z.string().max(64),
          productId: z.string().trim().min(1).max(64).openapi({ description: "The supplier's product id" }),
          cost: MoneySchema.openapi({ description: "What one unit costs us at this supplier" }),
        }),
      )
      .max(5)
      .openapi({ description: "In priority order: the first is the primary, the rest are backups" }),
    restock: z
      .object({
        threshold: z.number().int().min(1).max(100_000),
        quantity: z.number().int().min(1).max(100),
      })
      .nullable()
      .optional()
      .openapi({
        description: "Card secrets: buy `quantity` from the suppliers when own stock falls under `threshold`",
      }),
    markupBps: z.number().int().min(0).max(100_000).nullable().optional().openapi({
      description: "Price follows the primary's cost: cost × (1 + markupBps / 10 000); null keeps your price",
    }),
  })
  .openapi("SkuSupplyInput");

const route = createRoute({
  method: "put",
  path: "/v1/admin/skus/{skuId}/suppliers",
  tags: ["Suppliers"],
  summary: "Set a SKU's primary and backup suppliers, their costs, and its restock rule",
  description: "Replaces the whole list. Only approved suppliers can be bound; vouchers are minted, never supplied.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireSupplyRole("suppliers.manage")] as const,
  request: {
    params: z.object({ skuId: PathId("skuId", "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    body: body(SkuSupplyInputSchema),
  },
  responses: {
    200: json(SkuSupplySchema, "The SKU's suppliers as stored; a sync starts at once"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found", "conflict"),
  },
});

export function registerSetSkuSuppliers(app: App) {
  app.openapi(route, async (c) =>
    c.json(await setSkuSupply(c.get("services"), c.get("admin"), c.req.valid("param").skuId, c.req.valid("json")), 200),
  );
}
