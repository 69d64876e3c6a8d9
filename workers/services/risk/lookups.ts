import type { LookupAsk } from "@tessera/domain";
import type { PartnerCaller, ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { hashedKey, rateGate } from "../rate-limits";
import { riskLimitsOf } from "./limits";

/**
 * Lockouts this isolate has seen, by gate name, until they end. A lockout only ends with time,
 * so while one lasts the isolate refuses at once: a guessing storm costs no round trip per guess.
 */
const lockouts = new Map<string, number>();

function lockedFor(names: string[], now: number): number {
  let until = 0;
  for (const name of names) {
    const end = lockouts.get(name) ?? 0;
    if (end > now) until = Math.max(until, end);
    else if (end) lockouts.delete(name);
  }
  return until > now ? until - now : 0;
}

const locked = (retryAfterMs: number) =>
  new ApiError("rate_limited", "Too many failed look-ups; try again later", {
    headers: { "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  });

/**
 * Guards a partner's verify or redeem. Each look-up is admitted by the caller's IP gate, then by
 * its partner key's gate (in that order, so the key counts only look-ups its IPs let through),
 * and held in both as a possible failure until it ends: parallel guesses cannot outrun the
 * limit. Only `code_not_found` then counts as a failure; a success, a used-up code or a bad
 * request is forgiven (in memory, after the answer), so an honest partner's calls never add up
 * to a lockout and write nothing. Over the limit, the key or IP is locked out: 429
 * `rate_limited` with Retry-After.
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
  const ask = (failureLimit: number, requestsPerMinute: number): LookupAsk => ({
    now,
    failureLimit,
    windowMs: limits.windowMinutes * 60_000,
    lockoutMs: limits.lockoutMinutes * 60_000,
    requestsPerMinute,
  });
  const gates = [
    ...(clientIp
      ? [{ name: await hashedKey(`lookup:${partner.merchantId}:ip`, clientIp), ask: ask(limits.failuresPerIp, 0) }]
      : []),
    {
      name: `lookup:${partner.merchantId}:key:${partner.keyId}`,
      ask: ask(limits.failuresPerPartnerKey, limits.requestsPerMinutePerPartnerKey),
    },
  ];
  const known = lockedFor(
    gates.map((gate) => gate.name),
    now,
  );
  if (known > 0) throw locked(known);

  const admitted: string[] = [];
  const settle = (failed: boolean) =>
    ctx.waitUntil(Promise.all(admitted.map((name) => rateGate(ctx, name).settleLookup(failed, Date.now()))));
  for (const gate of gates) {
    const verdict = await rateGate(ctx, gate.name).admitLookup(gate.ask);
    if (!verdict.ok) {
      settle(false);
      if (verdict.lockedOut) {
        if (lockouts.size >= 10_000) lockouts.clear();
        lockouts.set(gate.name, now + verdict.retryAfterMs);
      }
      throw locked(verdict.retryAfterMs);
    }
    admitted.push(gate.name);
  }
  try {
    const result = await lookUp();
    settle(false);
    return result;
  } catch (error) {
    settle(error instanceof ApiError && error.code === "code_not_found");
    throw error;
  }
}
