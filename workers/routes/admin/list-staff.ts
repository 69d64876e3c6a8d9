import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listStaff } from "../../services/staff";
import { StaffMemberSchema } from "../schemas";
import { type App, json, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/staff",
  tags: ["Admin"],
  summary: "The merchant's staff, with pending invitations",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("staff.manage")] as const,
  responses: {
    200: json(z.object({ data: z.array(StaffMemberSchema) }), "Staff members, oldest first"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerListStaff(app: App) {
  app.openapi(route, async (c) => c.json(await listStaff(c.get("services"), c.get("admin").merchantId), 200));
}
