import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { addSku } from "../../services/catalog";
import { PolicySchema, SkuSchema } from "../schemas";
import { type App, body, IdempotencyKeyHeader, json, MoneySchema, PathId, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/products/{productId}/skus",
  tags: ["Admin"],
  summary: "Add a SKU to a product",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("catalog.write"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: {
    params: z.object({ productId: PathId("productId", "prd_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    headers: IdempotencyKeyHeader,
    body: body(
      z.object({
        name: z.string().trim().min(1).max(200),
        price: MoneySchema,
        policy: PolicySchema.partial().optional(),
      }),
    ),
  },
  responses: {
    201: json(SkuSchema, "The new SKU", REPLAY_HEADERS),
    ...errorResponses(
      "unauthorized",
      "csrf_failed",
      "forbidden",
      "not_found",
      "invalid_policy",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

export function registerCreateSku(app: App) {
  app.openapi(route, async (c) =>
    c.json(await addSku(c.get("services"), c.get("admin"), c.req.valid("param").productId, c.req.valid("json")), 201),
  );
}
