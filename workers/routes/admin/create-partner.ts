import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { createPartner } from "../../services/partners";
import { type App, body, IdempotencyKeyHeader, json, REPLAY_HEADERS, SECURITY } from "../shared";

const CreatedPartnerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    apiKey: z.string().openapi({ description: "Shown this once; only its hash is stored" }),
    createdAt: z.string(),
  })
  .openapi("CreatedPartner");

const route = createRoute({
  method: "post",
  path: "/v1/admin/partners",
  tags: ["Admin"],
  summary: "Register a partner that verifies and redeems codes, with its API key",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("partners.manage"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: { headers: IdempotencyKeyHeader, body: body(z.object({ name: z.string().trim().min(1).max(200) })) },
  responses: {
    201: json(CreatedPartnerSchema, "The partner and its key", REPLAY_HEADERS),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "idempotency_key_reused", "idempotency_key_in_use"),
  },
});

export function registerCreatePartner(app: App) {
  app.openapi(route, async (c) => {
    const caller = c.get("admin");
    return c.json(
      await createPartner(c.get("services"), caller.merchantId, c.req.valid("json"), undefined, caller),
      201,
    );
  });
}
