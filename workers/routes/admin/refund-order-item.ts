import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { refundItem } from "../../services/item-refunds";
import { getAdminOrder } from "../../services/orders";
import { MaskedDeliverySchema, OrderSchema } from "../schemas";
import { type App, body, IdempotencyKeyHeader, json, PathId, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/orders/{orderId}/items/{itemId}/refund",
  tags: ["Admin"],
  summary: "Refund one item of a delivered order (a bundle's component, or one line of several)",
  description:
    "The item's amount goes back — a bundle component's share of its bundle line, exactly — with its own ledger row; its voucher codes are voided; delivered card secrets cannot be taken back (the audit entry counts them). The order becomes `partially_refunded`, and `refunded` once its last item is. A bundle line itself is refunded component by component (409), as is anything but a delivered order's item (409: an order still being delivered is refunded whole). Send an `Idempotency-Key` so a retry refunds once.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("orders.refund"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: {
    params: z.object({
      orderId: PathId("orderId", "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"),
      itemId: PathId("itemId", "itm_01JD5ZQ8W4N3M2K1H0G9F8E7D6"),
    }),
    headers: IdempotencyKeyHeader,
    body: body(z.object({ reason: z.string().trim().min(1).max(1_000) })),
  },
  responses: {
    200: json(
      OrderSchema.extend({ deliveries: z.array(MaskedDeliverySchema) }),
      "The order after the refund",
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

export function registerRefundOrderItem(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const caller = c.get("admin");
    const { orderId, itemId } = c.req.valid("param");
    await refundItem(services, caller, orderId, itemId, c.req.valid("json").reason);
    return c.json(await getAdminOrder(services, caller.merchantId, orderId), 200);
  });
}
