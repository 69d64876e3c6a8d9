import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotencyKeyOf, requirePartner } from "../../middleware";
import { partnerRedeemer, redeemCode } from "../../services/redemption";
import { guardedLookup } from "../../services/risk/lookups";
import { clientIpOf } from "../risk-schemas";
import { CodeInput, RedeemAmount, RedemptionResultSchema } from "../schemas";
import { type App, body, IdempotencyKeyHeader, json, REPLAY_HEADERS, REPLAYED, SECURITY } from "../shared";

const RedeemSchema = z
  .object({
    code: CodeInput,
    amount: RedeemAmount,
    location: z.string().trim().min(1).max(200).optional().openapi({ description: "Where it was redeemed (store id)" }),
  })
  .openapi("RedeemRequest");

const route = createRoute({
  method: "post",
  path: "/v1/partner/redemptions",
  tags: ["Partner"],
  summary: "Redeem one use of a code (or an amount of a stored-value code), exactly once",
  description:
    "Each code's uses are serialized by its own ledger: under any concurrency a code is never redeemed more often, nor for more balance, than its policy allows. A stored-value code takes an `amount` in minor units of its currency (409 `insufficient_balance` beyond its balance); a count card may refuse a use too soon after the last (409 `code_too_soon`, with Retry-After); a time card outside its allowed weekdays and hours (409 `outside_allowed_hours`); a licence is activated, not redeemed (409 `code_form_mismatch`). Send an `Idempotency-Key` so a retried call never takes a second use. An unknown, another merchant's and a malformed code all answer the same 404 `code_not_found`; too many of those per partner key or per IP lock the key or IP out (429 `rate_limited` with Retry-After), while successful calls never count.",
  security: SECURITY.partner,
  // Idempotency-Key is kept by the code's ledger (see redeemCode), not the D1 middleware.
  middleware: [requirePartner()] as const,
  request: { headers: IdempotencyKeyHeader, body: body(RedeemSchema) },
  responses: {
    201: json(RedemptionResultSchema, "Redeemed", REPLAY_HEADERS),
    ...errorResponses(
      "unauthorized",
      "code_not_found",
      "rate_limited",
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

export function registerCreateRedemption(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const partner = c.get("partner");
    const { code, location, amount } = c.req.valid("json");
    const { replayed, result } = await guardedLookup(services, partner, clientIpOf(c.req.raw.headers), () =>
      redeemCode(services, partnerRedeemer(partner), { code, location, amount, idempotencyKey: idempotencyKeyOf(c) }),
    );
    return c.json(result, 201, replayed ? REPLAYED : {});
  });
}
