import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { changeRole } from "../../services/staff";
import { RoleSchema, StaffMemberSchema } from "../schemas";
import { type App, body, json, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "patch",
  path: "/v1/admin/staff/{staffId}",
  tags: ["Admin"],
  summary: "Change a staff member's role",
  description: "The last owner cannot lose the owner role (409). A role change applies to live sessions at once.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("staff.manage")] as const,
  request: {
    params: z.object({ staffId: PathId("staffId", "stf_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    body: body(z.object({ role: RoleSchema })),
  },
  responses: {
    200: json(StaffMemberSchema, "The member with the new role"),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found", "conflict"),
  },
});

export function registerUpdateStaff(app: App) {
  app.openapi(route, async (c) =>
    c.json(
      await changeRole(c.get("services"), c.get("admin"), c.req.valid("param").staffId, c.req.valid("json").role),
      200,
    ),
  );
}
