import { createRoute, z } from "@hono/zod-openapi";
import type { StaffCaller } from "../../context";
import { errorResponses } from "../../errors";
import { requireAdmin, requireStaff } from "../../middleware";
import { disableTotp } from "../../services/second-factor";
import { TotpCodeInput } from "../schemas";
import { type App, body, json } from "../shared";

const route = createRoute({
  method: "delete",
  path: "/v1/admin/me/totp",
  tags: ["Admin"],
  summary: "Turn off two-factor sign-in, with a current code",
  security: [{ staffSession: [] }],
  middleware: [requireAdmin(), requireStaff()] as const,
  request: { body: body(z.object({ code: TotpCodeInput })) },
  responses: {
    200: json(z.object({ totpEnabled: z.literal(false) }), "Two-factor sign-in is off"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "conflict", "rate_limited"),
  },
});

export function registerDeleteTotp(app: App) {
  app.openapi(route, async (c) =>
    c.json(await disableTotp(c.get("services"), c.get("admin") as StaffCaller, c.req.valid("json").code), 200),
  );
}
