import { createRoute } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listEntries } from "../../services/risk/lists";
import { ListEntrySchema, ListKindSchema, ListNameSchema } from "../risk-scoring-schemas";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const route = createRoute({
  method: "get",
  path: "/v1/admin/risk/lists",
  tags: ["Admin"],
  summary: "Block- and allowlist entries, newest first",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("risk.read")] as const,
  request: {
    query: PageQuery.extend({
      kind: ListKindSchema.optional().openapi({ param: { name: "kind", in: "query" } }),
      list: ListNameSchema.optional().openapi({ param: { name: "list", in: "query" } }),
    }),
  },
  responses: {
    200: json(pageOf(ListEntrySchema), "A page of list entries"),
    ...errorResponses("unauthorized"),
  },
});

export function registerListRiskListEntries(app: App) {
  app.openapi(route, async (c) =>
    c.json(await listEntries(c.get("services"), c.get("admin").merchantId, c.req.valid("query")), 200),
  );
}
