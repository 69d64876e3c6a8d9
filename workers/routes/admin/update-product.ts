import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { updateProduct } from "../../services/catalog";
import { ImageUrlInput, ProductSchema } from "../schemas";
import { type App, body, json, PathId, SECURITY } from "../shared";

const ProductChangesSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(5_000).nullable().optional(),
    instructions: z
      .string()
      .max(20_000)
      .nullable()
      .optional()
      .openapi({ description: "Markdown, shown beside the code; the apps render it without raw HTML" }),
    imageUrl: ImageUrlInput.nullable().optional(),
    listed: z.boolean().optional().openapi({ description: "Shown in the shop" }),
  })
  .openapi("ProductChanges");

const route = createRoute({
  method: "patch",
  path: "/v1/admin/products/{productId}",
  tags: ["Admin"],
  summary: "Edit a product: name, texts, image, listing",
  description: "Only the fields sent change; `null` or an empty string clears a text or the image.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("catalog.write")] as const,
  request: {
    params: z.object({ productId: PathId("productId", "prd_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    body: body(ProductChangesSchema),
  },
  responses: {
    200: json(ProductSchema, "The product as it is now"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found"),
  },
});

export function registerUpdateProduct(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      await updateProduct(c.get("services"), c.get("admin"), c.req.valid("param").productId, c.req.valid("json")),
      200,
    ),
  );
}
