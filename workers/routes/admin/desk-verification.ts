import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { deskRedeemer, verifyCode } from "../../services/redemption";
import { DeviceIdInput } from "../form-schemas";
import { CodeInput, VerificationSchema } from "../schemas";
import { type App, body, json, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/desk/verifications",
  tags: ["Admin"],
  summary: "Manual redemption desk: check a code without using it",
  description: "Answers exactly like `POST /v1/partner/verifications`, for any code of the merchant.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("redemptions.write")] as const,
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
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "code_not_found"),
  },
});

export function registerDeskVerification(app: App) {
  app.openapi(route, async (c) =>
    c.json(await verifyCode(c.get("services"), deskRedeemer(c.get("admin")), c.req.valid("json")), 200),
  );
}
