import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { acceptInvitation } from "../../services/staff";
import { RoleSchema } from "../schemas";
import { type App, body, json } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/invitations/accept",
  tags: ["Admin"],
  summary: "Accept an invitation by setting a password",
  description:
    "The invitation token is the credential; it works once, within 7 days. An unknown, used or lapsed token is 404. Then sign in with the email and this password.",
  request: {
    body: body(
      z.object({
        token: z.string().min(1).max(200),
        password: z.string().min(12).max(200).openapi({ description: "At least 12 characters" }),
      }),
    ),
  },
  responses: {
    201: json(z.object({ id: z.string(), email: z.string(), role: RoleSchema }), "The new login"),
    ...errorResponses("not_found"),
  },
});

export function registerAcceptInvitation(app: App) {
  app.openapi(route, async (c) => c.json(await acceptInvitation(c.get("services"), c.req.valid("json")), 201));
}
