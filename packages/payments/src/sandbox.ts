import { type Money, newId } from "@tessera/domain";
import { z } from "zod";
import type { CheckoutRequest, PaymentEvent, PaymentProvider } from "./provider";
import {
  attemptEventId,
  type CardDetails,
  cardDetails,
  type DeclineCode,
  SandboxVault,
  type SavedMethod,
} from "./saved-methods";
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
    paymentMethod: z.object({ token: z.string().min(1).max(600), label: z.string().min(1).max(100) }).optional(),
    failureCode: z.string().min(1).max(64).optional(),
    card: z
      .object({
        fingerprint: z.string().regex(/^fp_[0-9a-f]{24}$/),
        country: z.string().regex(/^[A-Z]{2}$/),
      })
      .optional(),
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
      paymentMethod: body.data.paymentMethod,
      failureCode: body.data.failureCode,
      card: body.data.card,
    };
    return { ok: true as const, event };
  }

  /**
   * The sandbox keeps no money, so a refund only needs a stable answer: the refund id is derived
   * from the payment id, as a real provider's idempotency key would make it.
   */
  async refund(paymentId: string, _amount: Money, idempotencyKey?: string): Promise<{ refundId: string }> {
    return { refundId: `sbx_re_${idempotencyKey ?? paymentId}` };
  }

  /** Builds and signs the webhook for an outcome; the caller posts it to the webhook URL. */
  async signedEvent(
    type: SandboxEventBody["type"],
    payment: { id: string; amount: number; currency: SandboxEventBody["data"]["currency"] },
    now: number = Date.now(),
    extra: { eventId?: string; paymentMethod?: SavedMethod; failureCode?: DeclineCode; card?: CardDetails } = {},
  ): Promise<{ body: string; signature: string; eventId: string }> {
    const eventId = extra.eventId ?? `sbx_evt_${newId("event").slice(4)}`;
    const body = JSON.stringify({
      id: eventId,
      type,
      created: Math.floor(now / 1000),
      data: {
        paymentId: payment.id,
        amount: payment.amount,
        currency: payment.currency,
        ...(extra.paymentMethod ? { paymentMethod: extra.paymentMethod } : {}),
        ...(extra.failureCode ? { failureCode: extra.failureCode } : {}),
        ...(extra.card ? { card: extra.card } : {}),
      },
    } satisfies SandboxEventBody);
    return { body, signature: await signPayload(this.webhookSecret, body, Math.floor(now / 1000)), eventId };
  }

  /** The fingerprint and issuing country the sandbox reports for a card number. */
  cardDetails(card: string): Promise<CardDetails> {
    return cardDetails(this.webhookSecret, card);
  }

  /** Saves a test card for later charges (`null` for a number that is not a card). */
  savePaymentMethod(card: string): Promise<SavedMethod | null> {
    return new SandboxVault(this.webhookSecret).save(card);
  }

  /**
   * Charges a saved method off session (a subscription's renewal). Attempt `attempt` of a
   * payment always meets the same outcome and makes the same event, so charging an attempt
   * again (after a crash) is recognised by the webhook as the event it already applied. A
   * token the sandbox did not issue is refused at once, with no event.
   */
  async chargeSaved(
    token: string,
    payment: { id: string; amount: number; currency: SandboxEventBody["data"]["currency"] },
    attempt: number,
    now: number = Date.now(),
  ): Promise<
    | { ok: true; declined: DeclineCode | null; event: { body: string; signature: string; eventId: string } }
    | { ok: false; declined: "invalid_payment_method" }
  > {
    const vault = new SandboxVault(this.webhookSecret);
    const declined = await vault.decline(token, attempt);
    if (declined === "invalid") return { ok: false, declined: "invalid_payment_method" };
    const eventId = await attemptEventId(payment.id, attempt);
    const card = await vault.details(token);
    const event = await this.signedEvent(declined ? "payment.failed" : "payment.succeeded", payment, now, {
      eventId,
      ...(declined ? { failureCode: declined } : {}),
      ...(card ? { card } : {}),
    });
    return { ok: true, declined, event };
  }
}
