import { createRoute, z } from "@hono/zod-openapi";
import type { StaffCaller } from "../../context";
import { errorResponses } from "../../errors";
import { requireAdmin, requireStaff } from "../../middleware";
import { startTotpEnrolment } from "../../services/second-factor";
import { type App, json } from "../shared";

const EnrolmentSchema = z
  .object({
    secret: z.string().openapi({ description: "Base32, for typing into an authenticator app" }),
    otpauthUrl: z.string().openapi({ description: "The `otpauth://totp/…` URI, for a QR code" }),
  })
  .openapi("TotpEnrolment");

const route = createRoute({
  method: "post",
  path: "/v1/admin/me/totp",
  tags: ["Admin"],
  summary: "Start turning on two-factor sign-in (TOTP)",
  description:
    "Returns a new secret (SHA-1, 6 digits, 30 seconds). Two-factor sign-in is on only once a code from it is confirmed; starting again replaces an unconfirmed secret.",
  security: [{ staffSession: [] }],
  middleware: [requireAdmin(), requireStaff()] as const,
  responses: {
    200: json(EnrolmentSchema, "The secret to add to an authenticator app"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "conflict"),
  },
});

export function registerStartTotp(app: App) {
  app.openapi(route, async (c) =>
    c.json(await startTotpEnrolment(c.get("services"), c.get("admin") as StaffCaller), 200),
  );
}
