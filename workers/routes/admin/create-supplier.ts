import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { idempotent, requireAdmin } from "../../middleware";
import { requireSupplyRole } from "../../middleware/supply-access";
import { createSupplier } from "../../services/suppliers/registry";
import { type App, body, IdempotencyKeyHeader, json, REPLAY_HEADERS, SECURITY } from "../shared";
import { SupplierDocumentSchema, SupplierSchema, SupplierSettingsSchema } from "../supply-schemas";

const NewSupplierSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    adapter: z.literal("signed_gateway").openapi({ description: "The protocol the supplier speaks" }),
    endpoint: z.string().max(500).openapi({
      description: "The supplier's one gateway URL (https; no private addresses)",
      example: "https://api.supplier.example/gateway",
    }),
    credentials: z
      .object({
        appId: z.string().trim().min(1).max(64).openapi({ description: "Our merchant account at the supplier" }),
        signingSecret: z.string().min(16).max(256).openapi({ description: "The HMAC-SHA256 key of the account" }),
        cardKey: z
          .string()
          .regex(/^[A-Za-z0-9+/]{43}=$/, "32 bytes, base64")
          .openapi({ description: "The AES-256 key card secrets arrive sealed with (base64)" }),
      })
      .openapi({ description: "Stored encrypted; never shown again" }),
    documents: z
      .array(SupplierDocumentSchema)
      .min(1)
      .max(20)
      .openapi({ description: "What the operator vets: business licence, contract, authorization…" }),
    settings: SupplierSettingsSchema.partial().optional(),
  })
  .openapi("NewSupplier");

const route = createRoute({
  method: "post",
  path: "/v1/admin/suppliers",
  tags: ["Suppliers"],
  summary: "Register a supplier (pending until the operator approves it)",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireSupplyRole("suppliers.manage"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: { headers: IdempotencyKeyHeader, body: body(NewSupplierSchema) },
  responses: {
    201: json(SupplierSchema, "The supplier, `pending` vetting; its credentials are not shown", REPLAY_HEADERS),
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

export function registerCreateSupplier(app: App) {
  app.openapi(route, async (c) =>
    c.json(await createSupplier(c.get("services"), c.get("admin"), c.req.valid("json")), 201),
  );
}
