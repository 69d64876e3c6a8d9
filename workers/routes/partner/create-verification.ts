import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requirePartner } from "../../middleware";
import { partnerRedeemer, verifyCode } from "../../services/redemption";
import { DeviceIdInput } from "../form-schemas";
import { CodeInput, VerificationSchema } from "../schemas";
import { type App, body, json, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/partner/verifications",
  tags: ["Partner"],
  summary: "Check a code without using it",
  description: "Codes are matched case-insensitively, ignoring spaces, dashes and look-alike characters.",
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
    ...errorResponses("unauthorized", "code_not_found"),
  },
});

export function registerCreateVerification(app: App) {
  app.openapi(route, async (c) =>
    c.json(await verifyCode(c.get("services"), partnerRedeemer(c.get("partner")), c.req.valid("json")), 200),
  );
}
