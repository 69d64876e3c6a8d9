import { createRoute, z } from "@hono/zod-openapi";
import { SANDBOX_PROVIDER, SIGNATURE_HEADER } from "@tessera/payments";
import { ApiError, errorResponses } from "../../errors";
import { applyPaymentEvent, sandboxProvider } from "../../services/payments";
import { type App, json } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/webhooks/payments/sandbox",
  tags: ["Webhooks"],
  summary: "Payment events from the sandbox provider",
  description:
    `Signed with HMAC-SHA256 over \`<timestamp>.<raw body>\` in the \`${SIGNATURE_HEADER}: t=…,v1=…\` header; ` +
    "timestamps older than 5 minutes are refused, and each event id is applied once.",
  request: {
    headers: z.object({
      [SIGNATURE_HEADER]: z
        .string()
        .optional()
        .openapi({ param: { name: SIGNATURE_HEADER, in: "header" } }),
    }),
  },
  responses: {
    200: json(
      z.object({ received: z.literal(true), duplicate: z.boolean(), orderStatus: z.string().nullable() }),
      "Applied (or recognised as already applied)",
    ),
    ...errorResponses("invalid_signature", "not_found", "conflict"),
  },
});

export function registerSandboxWebhook(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    // The signature covers the exact bytes sent: verify the raw body before parsing anything.
    const raw = await c.req.text();
    const parsed = await sandboxProvider(services).parseWebhook(
      raw,
      c.req.header(SIGNATURE_HEADER) ?? null,
      Math.floor(Date.now() / 1000),
    );
    if (!parsed.ok) {
      services.log.warn("webhook refused", { reason: parsed.reason });
      throw new ApiError("invalid_signature", `Signature check failed: ${parsed.reason}`);
    }
    return c.json(await applyPaymentEvent(services, SANDBOX_PROVIDER, parsed.event), 200);
  });
}
