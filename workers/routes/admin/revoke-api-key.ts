import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { revokePartnerKey } from "../../services/partners";
import { type App, PathId, SECURITY } from "../shared";

const route = createRoute({
  method: "delete",
  path: "/v1/admin/api-keys/{keyId}",
  tags: ["Admin"],
  summary: "Revoke a partner's API key",
  description:
    "The key stops working at once on the Worker instance that revoked it; instances that verified it within the last 30 seconds may still accept it until their cached check lapses (at most 30 seconds). Revoking a revoked key changes nothing.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("partners.manage")] as const,
  request: { params: z.object({ keyId: PathId("keyId", "key_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }) },
  responses: {
    204: { description: "Revoked" },
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found"),
  },
});

export function registerRevokeApiKey(app: App) {
  app.openapi(route, async (c) => {
    await revokePartnerKey(c.get("services"), c.get("admin"), c.req.valid("param").keyId);
    return c.body(null, 204);
  });
}
