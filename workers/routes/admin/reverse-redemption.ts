import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { staffReverse } from "../../services/redemption";
import { ReversalSchema } from "../schemas";
import { type App, IdempotencyKeyHeader, json, PathId, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/redemptions/{redemptionId}/reversal",
  tags: ["Admin"],
  summary: "Reverse any of the merchant's redemptions, giving the use back",
  description: "Answers like the partner's reversal, for a redemption by any partner or at the desk. Audited.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("redemptions.write"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: {
    params: z.object({ redemptionId: PathId("redemptionId", "red_01JD5ZQ8W4N3M2K1H0G9F8E7D6…") }),
    headers: IdempotencyKeyHeader,
  },
  responses: {
    200: json(ReversalSchema, "Reversed", REPLAY_HEADERS),
    ...errorResponses(
      "unauthorized",
      "csrf_failed",
      "forbidden",
      "not_found",
      "already_reversed",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

export function registerAdminReverseRedemption(app: App) {
  app.openapi(route, async (c) =>
    c.json(await staffReverse(c.get("services"), c.get("admin"), c.req.valid("param").redemptionId), 200),
  );
}
