import { createRoute, z } from "@hono/zod-openapi";
import { payments } from "@tessera/db/schema";
import { checkoutDecline, passesLuhn, SANDBOX_TEST_CARDS, SIGNATURE_HEADER } from "@tessera/payments";
import { eq } from "drizzle-orm";
import { ApiError, errorResponses } from "../../errors";
import { sandboxProvider } from "../../services/payments";
import { savesPaymentMethod } from "../../services/subscriptions/start";
import { type App, body, json, PathId } from "../shared";

const route = createRoute({
  method: "post",
  path: "/v1/sandbox/payments/{paymentId}/complete",
  tags: ["Sandbox"],
  summary: "Finish a sandbox payment; the sandbox then sends its signed webhook",
  description:
    "Development and tests only (`SANDBOX_PAYMENTS=enabled`). Like a real provider, the sandbox posts a signed event to the webhook endpoint over HTTP; this call returns once that delivery was answered. `card` is a test card number (4242 4242 4242 4242 unless given; 4000 0000 0000 9995 declines; 4000 0000 0000 0341 pays now but declines later charges; 4000 0000 0000 0119 fails the first later charge, then pays). Cards are issued in the US except 4000 0015 6000 0002 (CN), 4000 0034 4000 0004 (HK), 4000 0039 2000 0003 (JP) and 4000 0082 6000 0000 (GB), which pay like 4242…. The webhook event carries the card's issuing `country` and a `fingerprint` (`fp_…`, the same for the same number, never the number itself); the payment keeps both as risk signals. An order that starts a subscription saves the card for its renewals.",
  request: {
    params: z.object({ paymentId: PathId("paymentId", "pay_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    body: body(
      z.object({
        outcome: z.enum(["succeeded", "failed"]),
        card: z
          .string()
          .regex(/^[\d ]{12,23}$/, "a card number")
          .optional()
          .openapi({ example: SANDBOX_TEST_CARDS.approves }),
      }),
    ),
  },
  responses: {
    200: json(
      z.object({
        paymentId: z.string(),
        outcome: z.string().openapi({ description: "`failed` when asked, or when the card declined" }),
        paymentMethodSaved: z.boolean(),
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
    const input = c.req.valid("json");
    const card = (input.card ?? SANDBOX_TEST_CARDS.approves).replace(/ /g, "");
    if (!passesLuhn(card)) {
      throw new ApiError("validation_failed", "Not a card number", {
        errors: [{ path: "card", message: "fails the Luhn check" }],
      });
    }
    const payment = await services.db.select().from(payments).where(eq(payments.id, paymentId)).get();
    if (payment?.provider !== "sandbox") throw new ApiError("not_found", "No such payment");
    const sandbox = sandboxProvider(services);
    const declined = input.outcome === "succeeded" ? checkoutDecline(card) : null;
    const outcome = input.outcome === "succeeded" && !declined ? "succeeded" : "failed";
    const method =
      outcome === "succeeded" && (await savesPaymentMethod(services, payment.orderId))
        ? await sandbox.savePaymentMethod(card)
        : null;
    const signed = await sandbox.signedEvent(
      `payment.${outcome}`,
      { id: payment.id, amount: payment.amount, currency: payment.currency },
      Date.now(),
      {
        ...(method ? { paymentMethod: method } : {}),
        ...(declined ? { failureCode: declined } : {}),
        card: await sandbox.cardDetails(card),
      },
    );
    const delivery = await services.env.SELF.fetch(new URL("/v1/webhooks/payments/sandbox", c.req.url), {
      method: "POST",
      headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signed.signature },
      body: signed.body,
    });
    await delivery.body?.cancel();
    return c.json(
      {
        paymentId,
        outcome,
        paymentMethodSaved: method !== null,
        webhook: { eventId: signed.eventId, status: delivery.status },
      },
      200,
    );
  });
}
