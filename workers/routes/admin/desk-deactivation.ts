import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { deskDeactivate } from "../../services/licences";
import { DeactivationSchema, DeviceIdInput } from "../form-schemas";
import { CodeInput } from "../schemas";
import { type App, body, json, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/desk/deactivations",
  tags: ["Admin"],
  summary: "Manual redemption desk: free a licence's seat held by a device",
  description:
    "Answers exactly like `POST /v1/partner/deactivations`, for any licence of the merchant (a customer lost the device), and is audited. A retry answers the first deactivation.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("redemptions.write")] as const,
  request: { body: body(z.object({ code: CodeInput, deviceId: DeviceIdInput })) },
  responses: {
    200: json(DeactivationSchema, "The seat is free"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "code_not_found", "not_found", "code_form_mismatch"),
  },
});

export function registerDeskDeactivation(app: App) {
  app.openapi(route, async (c) =>
    c.json(await deskDeactivate(c.get("services"), c.get("admin"), c.req.valid("json")), 200),
  );
}
