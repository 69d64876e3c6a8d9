import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses } from "../../errors";
import { handleSupplierCallback } from "../../services/suppliers/callbacks";
import { type App, json } from "../shared";
import { SupplierIdParam } from "../supply-schemas";

const route = createRoute({
  method: "post",
  path: "/v1/webhooks/suppliers/{supplierId}",
  tags: ["Webhooks"],
  summary: "Order results posted by a supplier (signed-gateway callbacks)",
  description:
    "The body is the protocol's callback envelope: `appId`, `notifyId`, `notifyType`, `timestamp`, `nonce`, `signType`, `bizContent` and `sign`, an HMAC-SHA256 over the canonical string of the other fields with the supplier's key. Stale timestamps (over 5 minutes), other accounts and anything unsigned are refused; each `notifyId` is recorded once and results apply idempotently.",
  request: { params: SupplierIdParam },
  responses: {
    200: json(
      z.object({
        received: z.literal(true),
        duplicate: z.boolean().openapi({ description: "This notify id was received before" }),
        status: z.enum(["pending", "unknown", "processing", "succeeded", "failed"]),
      }),
      "Applied (or recognised as already applied); any 2xx acknowledges the callback",
    ),
    ...errorResponses("invalid_signature", "not_found", "conflict"),
  },
});

export function registerSupplierCallback(app: App) {
  app.openapi(route, async (c) => {
    // The signature covers the exact bytes sent: verify the raw body before reading anything.
    const raw = await c.req.text();
    return c.json(await handleSupplierCallback(c.get("services"), c.req.valid("param").supplierId, raw), 200);
  });
}
