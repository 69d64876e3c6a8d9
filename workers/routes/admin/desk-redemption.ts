import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotencyKeyOf, requireAdmin, requireCapability } from "../../middleware";
import { deskRedeem } from "../../services/redemption";
import { CodeInput, RedeemAmount, RedemptionResultSchema } from "../schemas";
import { type App, body, IdempotencyKeyHeader, json, REPLAY_HEADERS, REPLAYED, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/desk/redemptions",
  tags: ["Admin"],
  summary: "Manual redemption desk (核销台): redeem one use of a code, exactly once",
  description:
    "Answers exactly like `POST /v1/partner/redemptions`; the redemption is recorded without a partner, as redeemed by the staff member (`staffId` in the redemption list), and audited. Send an `Idempotency-Key` so a retried call never takes a second use.",
  security: SECURITY.admin,
  // Idempotency-Key is kept by the code's ledger, per staff member (see redeemCode).
  middleware: [requireAdmin(), requireCapability("redemptions.write")] as const,
  request: {
    headers: IdempotencyKeyHeader,
    body: body(
      z.object({
        code: CodeInput,
        amount: RedeemAmount,
        location: z.string().trim().min(1).max(200).optional().openapi({ description: "Where it was redeemed" }),
      }),
    ),
  },
  responses: {
    201: json(RedemptionResultSchema, "Redeemed", REPLAY_HEADERS),
    ...errorResponses(
      "unauthorized",
      "csrf_failed",
      "forbidden",
      "code_not_found",
      "code_already_redeemed",
      "code_expired",
      "code_voided",
      "insufficient_balance",
      "code_too_soon",
      "outside_allowed_hours",
      "amount_required",
      "amount_not_applicable",
      "code_form_mismatch",
      "idempotency_key_reused",
    ),
  },
});

export function registerDeskRedemption(app: App) {
  app.openapi(route, async (c) => {
    const { code, location, amount } = c.req.valid("json");
    const { replayed, result } = await deskRedeem(c.get("services"), c.get("admin"), {
      code,
      location,
      amount,
      idempotencyKey: idempotencyKeyOf(c),
    });
    return c.json(result, 201, replayed ? REPLAYED : {});
  });
}
