import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requirePartner } from "../../middleware";
import { partnerRedeemer, verifyCode } from "../../services/redemption";
import { guardedLookup } from "../../services/risk/lookups";
import { DeviceIdInput } from "../form-schemas";
import { clientIpOf } from "../risk-schemas";
import { CodeInput, VerificationSchema } from "../schemas";
import { type App, body, json, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/partner/verifications",
  tags: ["Partner"],
  summary: "Check a code without using it",
  description:
    "Codes are matched case-insensitively, ignoring spaces, dashes and look-alike characters. An unknown, another merchant's and a malformed code all answer the same 404 `code_not_found`. Too many of those per partner key or per IP (the merchant's risk limits) lock the key or IP out: 429 `rate_limited` with Retry-After.",
  security: SECURITY.partner,
  middleware: [requirePartner()] as const,
  request: {
    body: body(
      z.object({
        code: CodeInput,
        deviceId: DeviceIdInput.optional().openapi({
          description: "Licences: answer whether this device holds an activation (`seats.deviceHoldsSeat`)",
        }),
      }),
    ),
  },
  responses: {
    200: json(VerificationSchema, "The code's state"),
    ...errorResponses("unauthorized", "code_not_found", "rate_limited"),
  },
});

export function registerCreateVerification(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const partner = c.get("partner");
    const input = c.req.valid("json");
    const verified = await guardedLookup(services, partner, clientIpOf(c.req.raw.headers), () =>
      verifyCode(services, partnerRedeemer(partner), input),
    );
    return c.json(verified, 200);
  });
}
