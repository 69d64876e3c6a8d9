import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { removeEntry } from "../../services/risk/lists";
import { type App, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "delete",
  path: "/v1/admin/risk/lists/{entryId}",
  tags: ["Admin"],
  summary: "Take an entry off its list",
  description: "Orders paid from now on no longer match it; decisions already taken stand. Audited.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("risk.manage")] as const,
  request: { params: z.object({ entryId: PathId("entryId", "rle_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    204: { description: "Removed" },
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found"),
  },
});

export function registerRemoveRiskListEntry(app: App) {
  app.openapi(route, async (c) => {
    await removeEntry(c.get("services"), c.get("admin"), c.req.valid("param").entryId);
    return c.body(null, 204);
  });
}
