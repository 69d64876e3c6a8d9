import { riskAssessments, riskDecisions } from "@tessera/db/schema";
import { type Assessment, listHits, newId, screenOrder, UNPAID_STATUSES, withDefaults } from "@tessera/domain";
import type { PaymentEvent } from "@tessera/payments";
import type { ServiceContext } from "../../context";
import { candidateEntries } from "./lists";
import { storedSettings } from "./settings";
import { cardOf, type OrderRow, openRecipients, sealedRecipients, subjectOf } from "./signals";

/** Why a held order waits: for the `risk` queue's score, a person's review, or its refund. */
export const HOLD_REASONS = { scoring: "risk_scoring", review: "risk_review", blocked: "risk_blocked" } as const;

export type ScreenOutcome =
  | { hold: false; assessment: Assessment | null }
  | { hold: true; reason: (typeof HOLD_REASONS)["scoring" | "blocked"]; assessment: Assessment | null };

/**
 * The fast rules of a successful payment, read before its transition so the order moves
 * straight to `paid` or `on_hold` in the same batch (nothing can fulfil it in between). Costs
 * one batch of three indexed reads (settings, sealed recipients, candidate list entries); an
 * order not in an unpaid state (a replayed event) is left alone.
 */
export async function screenPayment(
  ctx: ServiceContext,
  order: OrderRow | undefined,
  payment: { fingerprint: string | null; cardCountry: string | null },
  event: PaymentEvent,
): Promise<ScreenOutcome> {
  if (!order || !(UNPAID_STATUSES as string[]).includes(order.status)) return { hold: false, assessment: null };
  const card = cardOf(payment, event);
  const [stored, sealed, entries] = await ctx.db.batch([
    storedSettings(ctx, order.merchantId),
    sealedRecipients(ctx, order),
    candidateEntries(ctx, order.merchantId, {
      email: order.email,
      device: order.deviceId,
      paymentFingerprint: card.fingerprint,
    }),
  ]);
  const settings = withDefaults(stored[0]?.settings);
  const recipients = await openRecipients(ctx, order, sealed);
  const lists = listHits(entries, subjectOf(order, card, recipients));
  const screening = screenOrder(
    {
      amount: order.totalAmount,
      ipCountry: order.clientCountry,
      cardCountry: card.country,
      recipientCountries: recipients.flatMap((recipient) => (recipient.country ? [recipient.country] : [])),
      lists,
    },
    settings,
  );
  if (screening.outcome === "allow") return { hold: false, assessment: screening.assessment };
  if (screening.outcome === "block")
    return { hold: true, reason: HOLD_REASONS.blocked, assessment: screening.assessment };
  return { hold: true, reason: HOLD_REASONS.scoring, assessment: null };
}

/**
 * The record of a decision (the fast rules' or the queue's): the assessment and the system's
 * entry in the decision log, each inserted once, so a replay or a redelivery writes nothing twice.
 */
export function assessmentStatements(
  ctx: ServiceContext,
  order: OrderRow,
  assessment: Assessment,
  record: { stage: "fast" | "queue"; recipientKey: string | null; now: number },
) {
  const { stage, recipientKey, now } = record;
  return [
    ctx.db
      .insert(riskAssessments)
      .values({
        id: newId("riskAssessment", now),
        merchantId: order.merchantId,
        orderId: order.id,
        score: assessment.score,
        decision: assessment.decision,
        contributions: assessment.contributions,
        stage,
        recipientKey,
        createdAt: now,
      })
      .onConflictDoNothing(),
    ctx.db
      .insert(riskDecisions)
      .values({
        id: newId("riskDecision", now),
        merchantId: order.merchantId,
        orderId: order.id,
        action: assessment.decision,
        actor: "system",
        overruled: null,
        note: null,
        createdAt: now,
      })
      .onConflictDoNothing(),
  ] as const;
}

/** A fast decision's record, for the transition's batch. */
export function fastRecordStatements(ctx: ServiceContext, order: OrderRow, assessment: Assessment, now: number) {
  return assessmentStatements(ctx, order, assessment, { stage: "fast", recipientKey: null, now });
}
