import { type PaymentRow, paymentMethodStatement } from "@tessera/db";
import { newId } from "@tessera/domain";
import type { PaymentEvent } from "@tessera/payments";
import type { ServiceContext } from "../../context";

/** The vault context of a saved method's token: bound to the payment it was saved with. */
export const paymentMethodContext = (merchantId: string, paymentId: string) =>
  `payment-method:${merchantId}:${paymentId}`;

/**
 * The method a provider saved with a successful payment, sealed, as statements to run in the
 * webhook's own batch: the method is on record the moment the order is paid, before the
 * subscriptions it pays for start.
 */
export async function savedMethodStatements(
  ctx: ServiceContext,
  payment: PaymentRow,
  event: PaymentEvent,
  now: number,
) {
  if (event.type !== "payment.succeeded" || !event.paymentMethod) return [];
  return [
    paymentMethodStatement(ctx.db, payment.merchantId, {
      id: newId("paymentMethod", now),
      paymentId: payment.id,
      provider: payment.provider,
      tokenCiphertext: await ctx.vault.encrypt(
        event.paymentMethod.token,
        paymentMethodContext(payment.merchantId, payment.id),
      ),
      label: event.paymentMethod.label,
      createdAt: now,
    }),
  ];
}
