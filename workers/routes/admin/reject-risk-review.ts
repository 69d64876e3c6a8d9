import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { getAdminOrder } from "../../services/orders";
import { rejectHeldOrder } from "../../services/risk/reviews";
import { MaskedDeliverySchema, OrderSchema } from "../schemas";
import { type App, body, IdempotencyKeyHeader, json, PathId, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/risk/reviews/{orderId}/reject",
  tags: ["Admin"],
  summary: "Reject a held order: it is refunded",
  description:
    "The order becomes `refunded` (reason `risk_rejected`): its reserved units go back on sale and the payment is refunded once, through the provider, with its ledger row. The decision log records who overruled the rules' decision and why. An order that is not held is 409; of concurrent decisions on one order exactly one succeeds. Send an `Idempotency-Key` so a retry refunds once.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("risk.review"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: {
    params: z.object({ orderId: PathId("orderId", "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    headers: IdempotencyKeyHeader,
    body: body(z.object({ reason: z.string().trim().min(1).max(1_000) })),
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

export function registerRejectRiskReview(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const caller = c.get("admin");
    const { orderId } = c.req.valid("param");
    await rejectHeldOrder(services, caller, orderId, c.req.valid("json").reason);
    return c.json(await getAdminOrder(services, caller.merchantId, orderId), 200);
  });
}
