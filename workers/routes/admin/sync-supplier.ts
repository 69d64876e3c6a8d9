import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, errorResponses } from "../../errors";
import { requireAdmin } from "../../middleware";
import { requireSupplyRole } from "../../middleware/supply-access";
import { supplierOfMerchant } from "../../services/suppliers/registry";
import { syncSupplier } from "../../services/suppliers/sync";
import { type App, json, SECURITY } from "../shared";
import { SupplierIdParam } from "../supply-schemas";

const route = createRoute({
  method: "post",
  path: "/v1/admin/suppliers/{supplierId}/sync",
  tags: ["Suppliers"],
  summary: "Read the supplier's stock and prices now (the cron does it every few minutes)",
  description:
    "Refreshes every SKU bound to the supplier: its upstream availability in the shop and, with a markup, its price. A supplier that cannot be read answers 503 and stops counting towards availability until it can.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireSupplyRole("suppliers.manage")] as const,
  request: { params: SupplierIdParam },
  responses: {
    200: json(
      z.object({ supplierId: z.string(), skus: z.number().int().openapi({ description: "SKUs refreshed" }) }),
      "The supplier was read and its SKUs refreshed",
    ),
    ...errorResponses("unauthorized", "csrf_failed", "forbidden", "not_found", "conflict", "supplier_unavailable"),
  },
});

export function registerSyncSupplier(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const supplier = await supplierOfMerchant(services, c.get("admin").merchantId, c.req.valid("param").supplierId);
    if (supplier.status !== "approved") {
      throw new ApiError("conflict", `The supplier is ${supplier.status}; only approved suppliers are synced`);
    }
    const result = await syncSupplier(services, supplier);
    if (result.error) throw new ApiError("supplier_unavailable", `The supplier could not be read: ${result.error}`);
    return c.json({ supplierId: result.supplierId, skus: result.skus }, 200);
  });
}
