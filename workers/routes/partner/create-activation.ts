import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requirePartner } from "../../middleware";
import { activateDevice } from "../../services/licences";
import { partnerRedeemer } from "../../services/redemption";
import { ActivationSchema, DeviceIdInput } from "../form-schemas";
import { CodeInput } from "../schemas";
import { type App, body, json, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/partner/activations",
  tags: ["Partner"],
  summary: "Activate a licence key on a device",
  description:
    "Takes one of the licence's seats for `deviceId`. Activating a device that already holds a seat confirms it (same `activatedAt`) without taking another, so a retry is safe without an Idempotency-Key. Seats are serialized by the code's own ledger: a licence never holds more devices than its seats, under any concurrency (409 `seats_full`: deactivate a device first).",
  security: SECURITY.partner,
  middleware: [requirePartner()] as const,
  request: { body: body(z.object({ code: CodeInput, deviceId: DeviceIdInput }).openapi("ActivationRequest")) },
  responses: {
    201: json(ActivationSchema, "The device holds a seat"),
    ...errorResponses(
      "unauthorized",
      "code_not_found",
      "code_expired",
      "code_voided",
      "seats_full",
      "code_form_mismatch",
    ),
  },
});

export function registerCreateActivation(app: App) {
  app.openapi(route, async (c) =>
    c.json(await activateDevice(c.get("services"), partnerRedeemer(c.get("partner")), c.req.valid("json")), 201),
  );
}
