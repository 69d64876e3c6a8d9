import { createRoute, z } from "@hono/zod-openapi";
import { payments } from "@tessera/db/schema";
import { SIGNATURE_HEADER } from "@tessera/payments";
import { eq } from "drizzle-orm";
import { ApiError, errorResponses } from "../../errors";
import { sandboxProvider } from "../../services/payments";
import { type App, body, json, PathId } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/sandbox/payments/{paymentId}/complete",
  tags: ["Sandbox"],
  summary: "Finish a sandbox payment; the sandbox then sends its signed webhook",
  description:
    "Development and tests only (`SANDBOX_PAYMENTS=enabled`). Like a real provider, the sandbox posts a signed event to the webhook endpoint over HTTP; this call returns once that delivery was answered.",
  request: {
    params: z.object({ paymentId: PathId("paymentId", "pay_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    body: body(z.object({ outcome: z.enum(["succeeded", "failed"]) })),
  },
  responses: {
    200: json(
      z.object({
        paymentId: z.string(),
        outcome: z.string(),
        webhook: z.object({ eventId: z.string(), status: z.number().int() }),
      }),
      "The webhook was sent; `status` is what the webhook endpoint answered",
    ),
    ...errorResponses("not_found"),
  },
});

export function registerCompleteSandboxPayment(app: App) {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    if (!services.config.sandboxPayments) throw new ApiError("not_found");
    const { paymentId } = c.req.valid("param");
    const { outcome } = c.req.valid("json");
    const payment = await services.db.select().from(payments).where(eq(payments.id, paymentId)).get();
    if (payment?.provider !== "sandbox") throw new ApiError("not_found", "No such payment");
    const signed = await sandboxProvider(services).signedEvent(`payment.${outcome}`, {
      id: payment.id,
      amount: payment.amount,
      currency: payment.currency,
    });
    const delivery = await services.env.SELF.fetch(new URL("/v1/webhooks/payments/sandbox", c.req.url), {
      method: "POST",
      headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signed.signature },
      body: signed.body,
    });
    await delivery.body?.cancel();
    return c.json({ paymentId, outcome, webhook: { eventId: signed.eventId, status: delivery.status } }, 200);
  });
}
