import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { getAdminOrder } from "../../services/orders";
import { approveHeldOrder } from "../../services/risk/reviews";
import { MaskedDeliverySchema, OrderSchema } from "../schemas";
import { type App, body, IdempotencyKeyHeader, json, PathId, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/risk/reviews/{orderId}/approve",
  tags: ["Admin"],
  summary: "Approve a held order: it is fulfilled now",
  description:
    "The order leaves `on_hold` for `paid` and is delivered in this request (the fulfilment queue retries should that not finish). The decision log records who overruled the rules' decision. An order that is not held (already decided, or never held) is 409; of concurrent decisions on one order exactly one succeeds. Send an `Idempotency-Key` so a retry decides once.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("risk.review"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: {
    params: z.object({ orderId: PathId("orderId", "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    headers: IdempotencyKeyHeader,
    body: body(z.object({ note: z.string().trim().min(1).max(1_000).optional() })),
  },
  responses: {
    200: json(
      OrderSchema.extend({ deliveries: z.array(MaskedDeliverySchema) }),
      "The order after the decision (deliveries masked)",
      REPLAY_HEADERS,
    ),
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

export function registerApproveRiskReview(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const caller = c.get("admin");
    const { orderId } = c.req.valid("param");
    await approveHeldOrder(services, caller, orderId, c.req.valid("json").note ?? null);
    return c.json(await getAdminOrder(services, caller.merchantId, orderId), 200);
  });
}
