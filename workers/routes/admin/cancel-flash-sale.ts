import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { cancelFlashSale } from "../../services/flash-sales";
import { FlashSaleDetailSchema, FlashSaleIdParam } from "../flash-sale-schemas";
import { type App, IdempotencyKeyHeader, json, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/flash-sales/{flashSaleId}/cancel",
  tags: ["Admin"],
  summary: "Cancel a flash sale that is not over",
  description:
    "It stops selling at once and its unsold units go back to the SKU's stock; orders placed in it keep their units and price. A sale already cancelled or over is 409.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("catalog.write"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: { params: FlashSaleIdParam, headers: IdempotencyKeyHeader },
  responses: {
    200: json(FlashSaleDetailSchema, "The cancelled sale", REPLAY_HEADERS),
    ...errorResponses(
      "unauthorized",
      "csrf_failed",
      "forbidden",
      "not_found",
      "conflict",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

export function registerCancelFlashSale(app: App) {
  app.openapi(route, async (c) =>
    c.json(await cancelFlashSale(c.get("services"), c.get("admin"), c.req.valid("param").flashSaleId), 200),
  );
}
