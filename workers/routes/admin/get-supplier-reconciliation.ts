import { createRoute, z } from "@hono/zod-openapi";
import { isDate } from "@tessera/domain";
import { ApiError, errorResponses } from "../../errors";
import { requireAdmin } from "../../middleware";
import { requireSupplyRole } from "../../middleware/supply-access";
import { reconcileSupplierDay } from "../../services/suppliers/reconciliation";
import { supplierOfMerchant } from "../../services/suppliers/registry";
import { failureOf, isSupplierFailure } from "../../services/suppliers/sync";
import { type App, json, SECURITY } from "../shared";
import { SupplierIdParam } from "../supply-schemas";

const Figures = z.object({ orders: z.number().int(), amount: z.number().int() });
const Side = z.object({ status: z.string(), amount: z.number().int() }).nullable();

const ReconciliationSchema = z
  .object({
    supplierId: z.string(),
    supplierName: z.string(),
    date: z.string(),
    currency: z.string(),
    ordered: Figures.openapi({
      description: "Our upstream orders of the day; amount = their cost, failed ones left out",
    }),
    confirmed: Figures.openapi({ description: "What the supplier's statement confirms as delivered" }),
    paid: Figures.openapi({ description: "What we recorded paying the supplier" }),
    mismatches: z.array(
      z.object({
        kind: z.enum([
          "not_confirmed",
          "unknown_order",
          "status_mismatch",
          "amount_mismatch",
          "unpaid",
          "paid_mismatch",
          "in_flight",
        ]),
        merchantOrderNo: z.string(),
        upstreamOrderNo: z.string().nullable(),
        ordered: Side,
        confirmed: Side,
        paid: z.number().int().nullable(),
      }),
    ),
    generatedAt: z.string(),
  })
  .openapi("SupplierReconciliation");

const route = createRoute({
  method: "get",
  path: "/v1/admin/suppliers/{supplierId}/reconciliation",
  tags: ["Suppliers"],
  summary: "Reconcile one supplier's day: ordered, confirmed, paid, and every mismatch",
  description:
    "Reads the supplier's statement of the (UTC) day and sets it against our upstream orders and our payments to the supplier. For the finance role.",
  security: SECURITY.admin,
  middleware: [requireAdmin(), requireSupplyRole("suppliers.reconcile")] as const,
  request: {
    params: SupplierIdParam,
    query: z.object({
      date: z
        .string()
        .refine(isDate, "YYYY-MM-DD")
        .openapi({ param: { name: "date", in: "query" }, example: "2026-11-24" }),
    }),
  },
  responses: {
    200: json(ReconciliationSchema, "The day's three figures and every mismatch"),
    ...errorResponses("unauthorized", "forbidden", "not_found", "conflict", "supplier_unavailable"),
  },
});

export function registerGetSupplierReconciliation(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const supplier = await supplierOfMerchant(services, c.get("admin").merchantId, c.req.valid("param").supplierId);
    if (supplier.status === "pending") throw new ApiError("conflict", "The supplier has not been vetted yet");
    try {
      return c.json(await reconcileSupplierDay(services, supplier, c.req.valid("query").date), 200);
    } catch (error) {
      if (isSupplierFailure(error)) {
        throw new ApiError("supplier_unavailable", `The supplier's statement could not be read: ${failureOf(error)}`);
      }
      throw error;
    }
  });
}
