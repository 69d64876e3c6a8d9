import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin, requireCapability } from "../../middleware";
import { listPartners } from "../../services/partners";
import { type App, json, SECURITY } from "../shared";

const PartnerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    keys: z.array(
      z.object({
        id: z.string(),
        prefix: z.string().openapi({ description: "The key's first characters, to tell keys apart" }),
        createdAt: z.string(),
        revokedAt: z.string().nullable(),
      }),
    ),
  })
  .openapi("Partner");

const route = createRoute({
  method: "get",
  path: "/v1/admin/partners",
  tags: ["Admin"],
  summary: "The merchant's partners with their API keys (prefixes only, never a key)",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireCapability("partners.manage")] as const,
  responses: {
    200: json(z.object({ data: z.array(PartnerSchema) }), "Partners, oldest first"),
    ...errorResponses("unauthorized", "forbidden"),
  },
});

export function registerListPartners(app: App) {
  app.openapi(route, async (c) => c.json(await listPartners(c.get("services"), c.get("admin").merchantId), 200));
}
