import { orderItems, type orders, type payments } from "@tessera/db/schema";
import type { ListSubject } from "@tessera/domain";
import { and, eq, isNotNull } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { recipientContext } from "../suppliers/upstream";

export type OrderRow = typeof orders.$inferSelect;
type PaymentRow = typeof payments.$inferSelect;

export interface Recipient {
  /** The account a top-up credits (phone, QQ number, game id or e-mail), normalized by its template. */
  account: string;
  /** Its country where the template says (a mainland mobile number or a QQ number is CN). */
  country: string | null;
}

/** The sealed recipients of an order's direct top-up lines, as one read to run alone or in a batch. */
export function sealedRecipients(ctx: ServiceContext, order: OrderRow) {
  return ctx.db
    .select({ recipient: orderItems.recipientCiphertext })
    .from(orderItems)
    .where(and(eq(orderItems.orderId, order.id), isNotNull(orderItems.recipientCiphertext)));
}

/** The direct top-up recipients of an order, opened from the vault (they are sealed at checkout). */
export async function recipientsOf(ctx: ServiceContext, order: OrderRow): Promise<Recipient[]> {
  return openRecipients(ctx, order, await sealedRecipients(ctx, order).all());
}

export async function openRecipients(
  ctx: ServiceContext,
  order: OrderRow,
  sealed: { recipient: string | null }[],
): Promise<Recipient[]> {
  const out: Recipient[] = [];
  for (const { recipient } of sealed) {
    if (!recipient) continue;
    const fields = JSON.parse(await ctx.vault.decrypt(recipient, recipientContext(order.merchantId, order.id))) as
      | Record<string, string>
      | undefined;
    const account = fields?.phone ?? fields?.qq ?? fields?.gameId ?? fields?.email;
    if (account) out.push({ account, country: fields?.phone || fields?.qq ? "CN" : null });
  }
  return out;
}

/** The card signals of a payment: what the event carried, else what the payment row kept. */
export function cardOf(
  payment: Pick<PaymentRow, "fingerprint" | "cardCountry">,
  event?: { card?: { fingerprint: string; country: string } | undefined },
) {
  return {
    fingerprint: event?.card?.fingerprint ?? payment.fingerprint ?? null,
    country: event?.card?.country ?? payment.cardCountry ?? null,
  };
}

export function subjectOf(order: OrderRow, card: { fingerprint: string | null }, recipients: Recipient[]): ListSubject {
  return {
    email: order.email,
    ip: order.clientIp,
    device: order.deviceId,
    paymentFingerprint: card.fingerprint,
    recipientAccounts: recipients.map((recipient) => recipient.account),
  };
}
