import type { Money } from "@tessera/domain";

/** What a payment provider tells us, once its webhook has been verified. */
export interface PaymentEvent {
  id: string;
  type: "payment.succeeded" | "payment.failed" | "payment.refunded";
  paymentId: string;
  amount: Money;
  occurredAt: number;
  /** A payment method the provider saved with a successful payment, for off-session charges. */
  paymentMethod?: { token: string; label: string } | undefined;
  /** Why a payment failed, in the provider's words (`card_declined`…). */
  failureCode?: string | undefined;
  /** The card paid (or tried) with: the provider's opaque fingerprint and the issuer's country. */
  card?: { fingerprint: string; country: string } | undefined;
}

export interface CheckoutRequest {
  paymentId: string;
  orderId: string;
  amount: Money;
  returnUrl: string;
}

/**
 * The seam every provider implements. The sandbox is one; a Stripe adapter is another, with
 * the same verify-then-parse contract for its webhooks.
 */
export interface PaymentProvider {
  readonly name: string;
  checkoutUrl(request: CheckoutRequest): string;
  /** Verifies the raw webhook request and parses its event, or says why not. */
  parseWebhook(
    rawBody: string,
    signatureHeader: string | null,
    nowSeconds: number,
  ): Promise<{ ok: true; event: PaymentEvent } | { ok: false; reason: string }>;
  /** Gives `amount` of a payment back; `idempotencyKey` tells one partial refund of it from another. */
  refund(paymentId: string, amount: Money, idempotencyKey?: string): Promise<{ refundId: string }>;
}
