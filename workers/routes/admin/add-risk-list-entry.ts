import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { addEntry } from "../../services/risk/lists";
import { ListEntrySchema, ListKindSchema, ListNameSchema } from "../risk-scoring-schemas";
import { type App, body, IdempotencyKeyHeader, json, REPLAY_HEADERS, SECURITY } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/admin/risk/lists",
  tags: ["Admin"],
  summary: "Put an e-mail, IP range, device, payment fingerprint or recipient account on the block- or allowlist",
  description:
    "A paid order matching a `block` entry is refunded at once, without scoring; one matching an `allow` entry (and no `block` entry) is fulfilled at once. `ip_range` takes an address or a CIDR range, IPv4 or IPv6 (`203.0.113.0/24`, `2001:db8::/32`); values are stored normalized. The same value on the same list again is 409.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("risk.manage"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: {
    headers: IdempotencyKeyHeader,
    body: body(
      z.object({
        kind: ListKindSchema,
        list: ListNameSchema,
        value: z.string().min(1).max(200),
        note: z.string().trim().min(1).max(500).optional(),
      }),
    ),
  },
  responses: {
    201: json(ListEntrySchema, "The entry, with its value normalized", REPLAY_HEADERS),
    ...errorResponses(
      "unauthorized",
      "csrf_failed",
      "forbidden",
      "conflict",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

export function registerAddRiskListEntry(app: App) {
  app.openapi(route, async (c) => c.json(await addEntry(c.get("services"), c.get("admin"), c.req.valid("json")), 201));
}
