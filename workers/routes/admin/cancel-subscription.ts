import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { cancelForStaff } from "../../services/subscriptions/views";
import { type App, IdempotencyKeyHeader, json, PathId, REPLAY_HEADERS, SECURITY } from "../shared";
import { SubscriptionSchema } from "../subscription-schemas";

const route = createRoute({
  method: "post",
  path: "/v1/admin/subscriptions/{subscriptionId}/cancel",
  tags: ["Admin"],
  summary: "Cancel a subscription for its customer",
  description:
    "Nothing renews after the period already paid for, which runs to its end (`endsAt`); a renewal waiting for a retry is closed, and the customer is notified. Cancelling again answers the cancelled subscription; a lapsed one is 409. Audited.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("orders.refund"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: {
    params: z.object({ subscriptionId: PathId("subscriptionId", "sub_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    headers: IdempotencyKeyHeader,
  },
  responses: {
    200: json(SubscriptionSchema, "The cancelled subscription", REPLAY_HEADERS),
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

export function registerCancelSubscription(app: App) {
  app.openapi(route, async (c) =>
    c.json(await cancelForStaff(c.get("services"), c.get("admin"), c.req.valid("param").subscriptionId), 200),
  );
}
