import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listAudit } from "../../services/audit";
import { type App, json, PageQuery, pageOf, SECURITY } from "../shared";

const AuditEntrySchema = z
  .object({
    id: z.string(),
    actor: z.string().openapi({ description: "`staff:<id>` or `key:<id>` (an admin API key)" }),
    actorEmail: z.string().nullable(),
    action: z.string().openapi({ example: "delivery.revealed" }),
    target: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.string(),
  })
  .openapi("AuditEntry");

const route = createRoute({
  method: "get",
  path: "/v1/admin/audit",
  tags: ["Admin"],
  summary: "The audit log: every staff write and every reveal of a full code, newest first",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("audit.read")] as const,
  request: { query: PageQuery },
  responses: {
    200: json(pageOf(AuditEntrySchema), "A page of the audit log"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerListAudit(app: App) {
  app.openapi(route, async (c) =>
    c.json(await listAudit(c.get("services"), c.get("admin").merchantId, c.req.valid("query")), 200),
  );
}
