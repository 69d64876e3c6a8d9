import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { topUp } from "../../services/channels/balance";
import { ChannelIdParam } from "../channel-schemas";
import { type App, body, IdempotencyKeyHeader, json, MoneySchema, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/channels/{channelId}/top-ups",
  tags: ["Admin"],
  summary: "Top up a reseller's prepaid balance",
  description:
    "Records money the reseller paid the merchant. The balance, its ledger row and the audit entry change together. Send an `Idempotency-Key`: a retried top-up is never counted twice.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("channels.fund"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: {
    params: z.object({ channelId: ChannelIdParam }),
    headers: IdempotencyKeyHeader,
    body: body(
      z
        .object({
          amount: MoneySchema,
          note: z.string().trim().max(500).optional().openapi({ description: "A bank reference, a receipt number…" }),
        })
        .openapi("TopUp"),
    ),
  },
  responses: {
    201: json(
      z.object({ entryId: z.string(), balance: MoneySchema }).openapi("TopUpResult"),
      "The balance after the top-up",
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

export function registerCreateChannelTopUp(app: App) {
  app.openapi(route, async (c) =>
    c.json(await topUp(c.get("services"), c.get("admin"), c.req.valid("param").channelId, c.req.valid("json")), 201),
  );
}
