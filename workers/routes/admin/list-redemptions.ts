import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listRedemptions } from "../../services/redemption-history";
import { RedemptionSchema } from "../schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/redemptions",
  tags: ["Admin"],
  summary: "List redemptions, newest first",
  description: "Read from the redemption read model, which follows each code's ledger within moments.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("redemptions.read")] as const,
  request: {
    query: PageQuery.extend({
      status: z
        .enum(["completed", "reversed"])
        .optional()
        .openapi({ param: { name: "status", in: "query" } }),
    }),
  },
  responses: {
    200: json(pageOf(RedemptionSchema), "A page of redemptions"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListRedemptions(app: App) {
  app.openapi(route, async (c) =>
    c.json(await listRedemptions(c.get("services"), c.get("admin").merchantId, c.req.valid("query")), 200),
  );
}
