import { createRoute, z } from "@hono/zod-openapi";
import type { StaffCaller } from "../../context";
import { errorResponses } from "../../errors";
import { requireAdmin, requireStaff } from "../../middleware";
import { confirmTotpEnrolment } from "../../services/second-factor";
import { TotpCodeInput } from "../schemas";
import { type App, body, json } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/me/totp/confirm",
  tags: ["Admin"],
  summary: "Turn on two-factor sign-in with a code from the new secret",
  description: "A wrong code is 400 `validation_failed`; ten codes in 15 minutes at most (429).",
  security: [{ staffSession: [] }],
  middleware: [requireAdmin(), requireStaff()] as const,
  request: { body: body(z.object({ code: TotpCodeInput })) },
  responses: {
    200: json(z.object({ totpEnabled: z.literal(true) }), "Two-factor sign-in is on"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "conflict", "rate_limited"),
  },
});

export function registerConfirmTotp(app: App) {
  app.openapi(route, async (c) =>
    c.json(await confirmTotpEnrolment(c.get("services"), c.get("admin") as StaffCaller, c.req.valid("json").code), 200),
  );
}
