import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { removeStaff } from "../../services/staff";
import { type App, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "delete",
  path: "/v1/admin/staff/{staffId}",
  tags: ["Admin"],
  summary: "Remove a staff member (or withdraw an invitation)",
  description:
    "Their sessions end at once. You cannot remove yourself, nor the last owner (409). The member stays in the audit log.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("staff.manage")] as const,
  request: { params: z.object({ staffId: PathId("staffId", "stf_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    204: { description: "Removed" },
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found", "conflict"),
  },
});

export function registerRemoveStaff(app: App) {
  app.openapi(route, async (c) => {
    await removeStaff(c.get("services"), c.get("admin"), c.req.valid("param").staffId);
    return c.body(null, 204);
  });
}
