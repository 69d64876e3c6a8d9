import type { PartnerCaller, ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { hashedKey, rateGate } from "../rate-limits";
import { riskLimitsOf } from "./limits";

const locked = (retryAfterMs: number) =>
  new ApiError("rate_limited", "Too many failed look-ups; try again later", {
    headers: { "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  });

/**
 * Guards a partner's verify or redeem. Each look-up is admitted by the caller's IP gate, then by
 * its partner key's gate (in that order, so the key counts only look-ups its IPs let through),
 * and counted in both as failed until it turns out otherwise: parallel guesses cannot outrun
 * the limit. Anything but `code_not_found` (a success, a used-up code, a bad request) is then
 * forgiven after the answer, so an honest partner's calls never add up to a lockout. Over the
 * limit, the key or IP is locked out: 429 `rate_limited` with Retry-After.
 */
export async function guardedLookup<T>(
  ctx: ServiceContext,
  partner: PartnerCaller,
  clientIp: string | undefined,
  lookUp: () => Promise<T>,
): Promise<T> {
  if (ctx.config.riskGates === "off") return lookUp();
  const limits = (await riskLimitsOf(ctx, partner.merchantId)).lookups;
  const now = Date.now();
  const windowMs = limits.windowMinutes * 60_000;
  const lockoutMs = limits.lockoutMinutes * 60_000;
  const admitted: { gate: ReturnType<typeof rateGate>; ticket: number }[] = [];
  const forgive = () => ctx.waitUntil(Promise.all(admitted.map(({ gate, ticket }) => gate.forgiveLookup(ticket))));

  if (clientIp) {
    const ipGate = rateGate(ctx, await hashedKey(`lookup:${partner.merchantId}:ip`, clientIp));
    const verdict = await ipGate.admitLookup({
      now,
      failureLimit: limits.failuresPerIp,
      windowMs,
      lockoutMs,
      requestsPerMinute: 0,
    });
    if (!verdict.ok) throw locked(verdict.retryAfterMs);
    admitted.push({ gate: ipGate, ticket: verdict.ticket });
  }
  const keyGate = rateGate(ctx, `lookup:${partner.merchantId}:key:${partner.keyId}`);
  const verdict = await keyGate.admitLookup({
    now,
    failureLimit: limits.failuresPerPartnerKey,
    windowMs,
    lockoutMs,
    requestsPerMinute: limits.requestsPerMinutePerPartnerKey,
  });
  if (!verdict.ok) {
    forgive();
    throw locked(verdict.retryAfterMs);
  }
  admitted.push({ gate: keyGate, ticket: verdict.ticket });
  try {
    const result = await lookUp();
    forgive();
    return result;
  } catch (error) {
    if (!(error instanceof ApiError && error.code === "code_not_found")) forgive();
    throw error;
  }
}
