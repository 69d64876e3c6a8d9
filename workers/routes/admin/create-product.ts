import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { createProduct } from "../../services/catalog";
import { ImageUrlInput, PolicySchema, ProductKindSchema, ProductSchema, RechargeTemplateSchema } from "../schemas";
import { type App, body, IdempotencyKeyHeader, json, MoneySchema, REPLAY_HEADERS, SECURITY } from "../shared";

const NewProductSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: ProductKindSchema,
    description: z.string().max(5_000).optional(),
    instructions: z
      .string()
      .max(20_000)
      .optional()
      .openapi({ description: "How to use the code, shown beside it (Markdown)" }),
    imageUrl: ImageUrlInput.optional(),
    listed: z.boolean().optional().openapi({ description: "Shown in the shop; true unless told" }),
    recharge: RechargeTemplateSchema.optional().openapi({
      description: "Required for `direct_recharge`: the recipient the buyer enters at checkout",
    }),
    skus: z
      .array(
        z.object({
          name: z.string().trim().min(1).max(200),
          price: MoneySchema,
          policy: PolicySchema.partial().optional(),
        }),
      )
      .min(1)
      .max(50),
  })
  .openapi("NewProduct");

const route = createRoute({
  method: "post",
  path: "/v1/admin/products",
  tags: ["Admin"],
  summary: "Create a product with its SKUs",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("catalog.write"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: { headers: IdempotencyKeyHeader, body: body(NewProductSchema) },
  responses: {
    201: json(ProductSchema, "The product, with the ids of its SKUs", REPLAY_HEADERS),
    ...errorResponses(
      "unauthorized",
      "csrf_failed",
      "forbidden",
      "invalid_policy",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

export function registerCreateProduct(app: App) {
  app.openapi(route, async (c) => {
    const caller = c.get("admin");
    const product = await createProduct(c.get("services"), caller.merchantId, c.req.valid("json"), caller);
    return c.json(product, 201);
  });
}
