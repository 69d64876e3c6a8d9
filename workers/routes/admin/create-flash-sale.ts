import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { createFlashSale } from "../../services/flash-sales";
import { FlashSaleSchema, NewFlashSaleSchema } from "../flash-sale-schemas";
import { type App, body, IdempotencyKeyHeader, json, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/flash-sales",
  tags: ["Admin"],
  summary: "Create a flash sale: a time-boxed price and quota for one SKU, with a per-customer limit",
  description:
    "A card-secret SKU's units move out of its normal stock into the sale when it is created (409 `insufficient_stock` if it holds fewer than the quota); a voucher's quota is a count. " +
    "Two live sales of one SKU may not overlap (409 `conflict`). Before `startsAt`, ordering the SKU answers 409 `sale_not_started`; from `endsAt` it sells at its normal price again and the unsold units are back in its stock.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("catalog.write"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: { headers: IdempotencyKeyHeader, body: body(NewFlashSaleSchema) },
  responses: {
    201: json(FlashSaleSchema, "The sale, with its stock set aside", REPLAY_HEADERS),
    ...errorResponses(
      "unauthorized",
      "csrf_failed",
      "forbidden",
      "not_found",
      "conflict",
      "insufficient_stock",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

export function registerCreateFlashSale(app: App) {
  app.openapi(route, async (c) =>
    c.json(await createFlashSale(c.get("services"), c.get("admin"), c.req.valid("json")), 201),
  );
}
