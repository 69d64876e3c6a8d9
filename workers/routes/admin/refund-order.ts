import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { getAdminOrder } from "../../services/orders";
import { refundOrder } from "../../services/refunds";
import { MaskedDeliverySchema, OrderSchema } from "../schemas";
import { type App, body, IdempotencyKeyHeader, json, PathId, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/orders/{orderId}/refund",
  tags: ["Admin"],
  summary: "Refund a paid or delivered order",
  description:
    "The order becomes `refunded`; its voucher codes are voided, units never shown to the buyer return to stock, and the payment is refunded through the provider with its ledger row. Delivered card secrets cannot be taken back (the audit entry counts them). An unpaid or already refunded order is 409. Send an `Idempotency-Key` so a retry refunds once.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("orders.refund"),
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
      "The refunded order (deliveries masked)",
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

export function registerRefundOrder(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const caller = c.get("admin");
    const { orderId } = c.req.valid("param");
    await refundOrder(services, caller, orderId, c.req.valid("json").reason);
    return c.json(await getAdminOrder(services, caller.merchantId, orderId), 200);
  });
}
