import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requirePartner } from "../../middleware";
import { deactivateDevice } from "../../services/licences";
import { partnerRedeemer } from "../../services/redemption";
import { DeactivationSchema, DeviceIdInput } from "../form-schemas";
import { CodeInput } from "../schemas";
import { type App, body, json, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/partner/deactivations",
  tags: ["Partner"],
  summary: "Deactivate a licence key on a device, freeing its seat",
  description:
    "A device that was deactivated and not activated since answers with its first deactivation, so a retry frees nothing twice. A device that never held a seat of this licence is 404 `not_found`.",
  security: SECURITY.partner,
  middleware: [requirePartner()] as const,
  request: { body: body(z.object({ code: CodeInput, deviceId: DeviceIdInput }).openapi("DeactivationRequest")) },
  responses: {
    200: json(DeactivationSchema, "The seat is free"),
    ...errorResponses("unauthorized", "code_not_found", "not_found", "code_form_mismatch"),
  },
});

export function registerCreateDeactivation(app: App) {
  app.openapi(route, async (c) =>
    c.json(await deactivateDevice(c.get("services"), partnerRedeemer(c.get("partner")), c.req.valid("json")), 200),
  );
}
