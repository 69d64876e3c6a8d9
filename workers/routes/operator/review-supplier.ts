import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { requireOperator } from "../../middleware";
import { reviewSupplier } from "../../services/suppliers/registry";
import { type App, body, json, SECURITY } from "../shared";
import { ReviewedSupplierSchema, SupplierIdParam } from "../supply-schemas";

const ReviewSchema = z
  .object({
    decision: z.enum(["approved", "suspended"]),
    reviewer: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .openapi({ description: "Who vetted the documents (name or email); recorded and audited" }),
    note: z.string().trim().max(2_000).optional(),
  })
  .openapi("SupplierReview");

const route = createRoute({
  method: "post",
  path: "/v1/operator/suppliers/{supplierId}/review",
  tags: ["Operator"],
  summary: "Approve or suspend a supplier after vetting its documents",
  description:
    "Only approved suppliers can be bound to SKUs and receive orders. Suspending one stops new orders (SKUs fail over to their backups); orders already placed still finish.",
  security: SECURITY.operator,
  middleware: [requireOperator()] as const,
  request: { params: SupplierIdParam, body: body(ReviewSchema) },
  responses: {
    200: json(ReviewedSupplierSchema, "The supplier with its new status and reviewer"),
    ...errorResponses("unauthorized", "not_found"),
  },
});

export function registerReviewSupplier(app: App) {
  app.openapi(route, async (c) =>
    c.json(await reviewSupplier(c.get("services"), c.req.valid("param").supplierId, c.req.valid("json")), 200),
  );
}
