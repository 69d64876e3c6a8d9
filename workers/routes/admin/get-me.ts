import { createRoute, z } from "@hono/zod-openapi";
import type { StaffCaller } from "../../context";
import { errorResponses } from "../../errors";
import { requireAdmin, requireStaff } from "../../middleware";
import { describeMe } from "../../services/staff-sessions";
import { RoleSchema } from "../schemas";
import { type App, json } from "../shared";

const MeSchema = z
  .object({
    staff: z.object({
      id: z.string(),
      email: z.string(),
      name: z.string(),
      role: RoleSchema,
      merchantId: z.string(),
      totpEnabled: z.boolean(),
    }),
    merchant: z.object({ id: z.string(), slug: z.string(), name: z.string(), locale: z.string() }),
    csrfToken: z.string().openapi({ description: "Send as `X-CSRF-Token` on every write made with the cookie" }),
  })
  .openapi("Me");

const route = createRoute({
  method: "get",
  path: "/v1/admin/me",
  tags: ["Admin"],
  summary: "The signed-in staff member, their merchant and the session's CSRF token",
  description: "For staff sessions only: an admin API key has no staff member behind it (403).",
  security: [{ staffSession: [] }],
  middleware: [requireAdmin(), requireStaff()] as const,
  responses: {
    200: json(MeSchema, "Who is signed in"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerGetMe(app: App) {
  app.openapi(route, async (c) => c.json(await describeMe(c.get("services"), c.get("admin") as StaffCaller), 200));
}
