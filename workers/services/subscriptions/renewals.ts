import {
  claimRetry,
  dueSubscriptions,
  findRenewal,
  isRenewalTaken,
  type RenewalRow,
  renewalsDueForRetry,
  runAtomic,
  type SubscriptionRow,
  stalledRenewals,
} from "@tessera/db";
import { subscriptionRenewals } from "@tessera/db/schema";
import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { type AttemptResult, chargeAttempt } from "./charge";
import { lapseUnavailable } from "./outcomes";
import { renewalOrderStatements } from "./renewal-order";

const BATCH = 50;
/** A charge attempt untouched this long was left by an invocation that died: it is run again. */
export const STALLED_MS = 10 * 60_000;

export interface RenewalReport {
  renewed: number;
  failed: number;
  lapsed: number;
  retried: number;
  resumed: number;
}

function tally(report: RenewalReport, result: AttemptResult | "taken") {
  if (result === "renewed") report.renewed++;
  else if (result === "retry") report.failed++;
  else if (result === "lapsed") report.lapsed++;
}

/**
 * Renews one subscription's next period: writes the renewal and its order (refused whole if
 * another run already renewed this period), then makes the first charge attempt. A
 * subscription whose renewal cannot be ordered at all lapses.
 */
async function renew(ctx: ServiceContext, sub: SubscriptionRow, now: number): Promise<AttemptResult | "taken"> {
  const period = sub.currentPeriod + 1;
  let built: Awaited<ReturnType<typeof renewalOrderStatements>>;
  try {
    built = await renewalOrderStatements(ctx, sub, period);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    ctx.log.warn("subscription cannot renew", { subscriptionId: sub.id, reason: error.detail });
    return (await lapseUnavailable(ctx, sub, error.detail ?? error.code)) ? "lapsed" : "unchanged";
  }
  try {
    await runAtomic(ctx.db, built.statements);
  } catch (error) {
    if (isRenewalTaken(error)) return "taken";
    throw error;
  }
  const renewal = await ctx.db
    .select()
    .from(subscriptionRenewals)
    .where(and(eq(subscriptionRenewals.subscriptionId, sub.id), eq(subscriptionRenewals.period, period)))
    .get();
  return renewal ? chargeAttempt(ctx, renewal, now) : "missing";
}

async function settle<T>(
  ctx: ServiceContext,
  items: T[],
  run: (item: T) => Promise<AttemptResult | "taken">,
  report: RenewalReport,
) {
  // One at a time: each renewal is a few round trips and a charge, and the cron has a minute.
  // A failure leaves that renewal to the next tick (or the stalled-attempt sweep), not the rest.
  for (const item of items) {
    try {
      tally(report, await run(item));
    } catch (error) {
      ctx.log.warn("renewal step failed; the next tick tries again", { error: String(error) });
    }
  }
}

/**
 * The subscriptions' clock, on every cron tick, at the tick's `now`:
 *  1. subscriptions whose period ended are renewed (one renewal per subscription and period,
 *     however many ticks run at once);
 *  2. failed renewals whose retry is due get their next attempt (claimed, so one tick each);
 *  3. attempts left unfinished by a dead invocation are run again (the same charge, recognised).
 */
export async function renewSubscriptions(ctx: ServiceContext, now: number): Promise<RenewalReport> {
  const report: RenewalReport = { renewed: 0, failed: 0, lapsed: 0, retried: 0, resumed: 0 };
  await settle(ctx, await dueSubscriptions(ctx.db, now, BATCH), (sub) => renew(ctx, sub, now), report);
  const retries = await renewalsDueForRetry(ctx.db, now, BATCH);
  await settle(
    ctx,
    retries,
    async (renewal) => {
      const claimed = await claimRetry(ctx.db, renewal, Date.now());
      if (!claimed) return "taken";
      report.retried++;
      return chargeAttempt(ctx, claimed, now);
    },
    report,
  );
  const stalled = await stalledRenewals(ctx.db, Date.now() - STALLED_MS, BATCH);
  await settle(
    ctx,
    stalled,
    async (renewal: RenewalRow) => {
      const current = await findRenewal(ctx.db, renewal.id);
      if (current?.status !== "charging") return "taken";
      report.resumed++;
      return chargeAttempt(ctx, current, now);
    },
    report,
  );
  return report;
}
