import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requirePartner } from "../../middleware";
import { partnerRedeemer, reverseRedemption } from "../../services/redemption";
import { ReversalSchema } from "../schemas";
import { type App, json, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/partner/redemptions/{redemptionId}/reversal",
  tags: ["Partner"],
  summary: "Reverse one of your redemptions, giving the use back",
  security: SECURITY.partner,
  middleware: [requirePartner()] as const,
  request: { params: z.object({ redemptionId: PathId("redemptionId", "red_01JD5ZQ8W4N3M2K1H0G9F8E7D6…") }) },
  responses: {
    200: json(ReversalSchema, "Reversed"),
    ...errorResponses("unauthorized", "not_found", "already_reversed"),
  },
});

export function registerReverseRedemption(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      await reverseRedemption(c.get("services"), partnerRedeemer(c.get("partner")), c.req.valid("param").redemptionId),
      200,
    ),
  );
}
