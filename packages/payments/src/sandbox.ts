import { type Money, newId } from "@tessera/domain";
import { z } from "zod";
import type { CheckoutRequest, PaymentEvent, PaymentProvider } from "./provider";
import { signPayload, verifySignature } from "./signature";

export const SANDBOX_PROVIDER = "sandbox";

const EventSchema = z.object({
  id: z.string().min(1).max(100),
  type: z.enum(["payment.succeeded", "payment.failed", "payment.refunded"]),
  created: z.number().int(),
  data: z.object({
    paymentId: z.string().min(1).max(100),
    amount: z.number().int().nonnegative(),
    currency: z.enum(["CNY", "USD", "EUR", "HKD", "JPY", "GBP"]),
  }),
});

export type SandboxEventBody = z.infer<typeof EventSchema>;

/**
 * A provider that behaves like a real one for development and tests: it hands out a checkout
 * page, and when told how the payment ended it signs a webhook exactly as a real provider
 * would and posts it over HTTP. It is enabled only where configuration says so.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = SANDBOX_PROVIDER;

  constructor(private readonly webhookSecret: string) {}

  checkoutUrl(request: CheckoutRequest): string {
    return `${request.returnUrl.replace(/\/$/, "")}/pay/sandbox/${request.paymentId}`;
  }

  async parseWebhook(rawBody: string, signatureHeader: string | null, nowSeconds: number) {
    const check = await verifySignature(this.webhookSecret, signatureHeader, rawBody, nowSeconds);
    if (!check.ok) return { ok: false as const, reason: check.reason };
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      return { ok: false as const, reason: "malformed" };
    }
    const parsed = EventSchema.safeParse(json);
    if (!parsed.success) return { ok: false as const, reason: "malformed" };
    const body = parsed.data;
    const event: PaymentEvent = {
      id: body.id,
      type: body.type,
      paymentId: body.data.paymentId,
      amount: { amount: body.data.amount, currency: body.data.currency },
      occurredAt: body.created * 1000,
    };
    return { ok: true as const, event };
  }

  /**
   * The sandbox keeps no money, so a refund only needs a stable answer: the refund id is derived
   * from the payment id, as a real provider's idempotency key would make it.
   */
  async refund(paymentId: string, _amount: Money): Promise<{ refundId: string }> {
    return { refundId: `sbx_re_${paymentId}` };
  }

  /** Builds and signs the webhook for an outcome; the caller posts it to the webhook URL. */
  async signedEvent(
    type: SandboxEventBody["type"],
    payment: { id: string; amount: number; currency: SandboxEventBody["data"]["currency"] },
    now: number = Date.now(),
  ): Promise<{ body: string; signature: string; eventId: string }> {
    const eventId = `sbx_evt_${newId("event").slice(4)}`;
    const body = JSON.stringify({
      id: eventId,
      type,
      created: Math.floor(now / 1000),
      data: { paymentId: payment.id, amount: payment.amount, currency: payment.currency },
    } satisfies SandboxEventBody);
    return { body, signature: await signPayload(this.webhookSecret, body, Math.floor(now / 1000)), eventId };
  }
}
