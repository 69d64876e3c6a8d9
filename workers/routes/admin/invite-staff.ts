import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { inviteStaff } from "../../services/staff";
import { RoleSchema } from "../schemas";
import { type App, body, IdempotencyKeyHeader, json, REPLAY_HEADERS, SECURITY } from "../shared";

const InvitationSchema = z
  .object({
    id: z.string().openapi({ description: "The staff member's id" }),
    email: z.string(),
    role: RoleSchema,
    inviteToken: z
      .string()
      .openapi({ description: "Shown this once; the invitee sets a password with it. Only its hash is stored" }),
    expiresAt: z.string().openapi({ description: "The invitation lapses after 7 days" }),
  })
  .openapi("Invitation");

const route = createRoute({
  method: "post",
  path: "/v1/admin/staff",
  tags: ["Admin"],
  summary: "Invite a staff member with a role",
  description:
    "Inviting a pending or removed member of this merchant again issues a new token (the old one stops working). An email that belongs to an active member, or to anyone at another merchant, is 409.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("staff.manage"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: {
    headers: IdempotencyKeyHeader,
    body: body(z.object({ email: z.email().max(320), name: z.string().trim().min(1).max(200), role: RoleSchema })),
  },
  responses: {
    201: json(InvitationSchema, "The invitation, with its token", REPLAY_HEADERS),
    ...errorResponses(
      "unauthorized",
      "csrf_failed",
      "forbidden",
      "conflict",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

export function registerInviteStaff(app: App) {
  app.openapi(route, async (c) =>
    c.json(await inviteStaff(c.get("services"), c.get("admin"), c.req.valid("json")), 201),
  );
}
