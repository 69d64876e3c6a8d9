import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireAdmin } from "../../middleware";
import { requireSupplyRole } from "../../middleware/supply-access";
import { supplierHealth } from "../../services/suppliers/breaker";
import { supplierOfMerchant } from "../../services/suppliers/registry";
import { type App, json, SECURITY } from "../shared";
import { SupplierIdParam, SupplierStatusSchema } from "../supply-schemas";

const SupplierHealthSchema = z
  .object({
    supplierId: z.string(),
    status: SupplierStatusSchema,
    circuit: z.object({
      state: z.enum(["closed", "open", "half_open"]).openapi({
        description: "`open`: calls are refused and orders go to backups; `half_open`: one probe decides",
      }),
      consecutiveFailures: z.number().int(),
      openedAt: z.string().nullable(),
      retryAt: z.string().nullable().openapi({ description: "When an open circuit lets a probe through" }),
      timesOpened: z.number().int(),
    }),
    lastSuccessAt: z.string().nullable(),
    lastFailureAt: z.string().nullable(),
    lastFailure: z.string().nullable().openapi({ example: "timeout" }),
    recent: z
      .object({
        calls: z.number().int(),
        failures: z.number().int(),
        timeouts: z.number().int(),
        averageLatencyMs: z.number().int().nullable(),
      })
      .openapi({ description: "The calls of the last five minutes" }),
    lastSyncedAt: z.string().nullable(),
  })
  .openapi("SupplierHealth");

const route = createRoute({
  method: "get",
  path: "/v1/admin/suppliers/{supplierId}/health",
  tags: ["Suppliers"],
  summary: "A supplier's health: its circuit breaker and recent calls",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireSupplyRole("suppliers.read")] as const,
  request: { params: SupplierIdParam },
  responses: {
    200: json(SupplierHealthSchema, "The supplier's circuit and the last five minutes of calls"),
    ...errorResponses("unauthorized", "forbidden", "not_found"),
  },
});

export function registerGetSupplierHealth(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const supplier = await supplierOfMerchant(services, c.get("admin").merchantId, c.req.valid("param").supplierId);
    return c.json(await supplierHealth(services, supplier), 200);
  });
}
