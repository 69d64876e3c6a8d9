import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { issuePartnerKey } from "../../services/partners";
import { type App, IdempotencyKeyHeader, json, PathId, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/partners/{partnerId}/keys",
  tags: ["Admin"],
  summary: "Issue another API key for a partner (to rotate keys)",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("partners.manage"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: {
    params: z.object({ partnerId: PathId("partnerId", "ptn_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    headers: IdempotencyKeyHeader,
  },
  responses: {
    201: json(
      z
        .object({
          id: z.string(),
          apiKey: z.string().openapi({ description: "Shown this once; only its hash is stored" }),
          prefix: z.string(),
          createdAt: z.string(),
        })
        .openapi("IssuedApiKey"),
      "The new key",
      REPLAY_HEADERS,
    ),
    ...errorResponses(
      "unauthorized",
      "csrf_failed",
      "forbidden",
      "not_found",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

export function registerCreatePartnerKey(app: App) {
  app.openapi(route, async (c) =>
    c.json(await issuePartnerKey(c.get("services"), c.get("admin"), c.req.valid("param").partnerId), 201),
  );
}
