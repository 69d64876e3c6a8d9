import { sha256Hex } from "@tessera/domain";
import type { ServiceContext } from "../context";
import { ApiError } from "../errors";
import type { GateDecision, RateGate } from "../objects/rate-gate";

export function rateGate(ctx: ServiceContext, key: string): DurableObjectStub<RateGate> {
  return ctx.env.RATE_GATE.get(ctx.env.RATE_GATE.idFromName(key));
}

/** Gates keyed by something personal (an email) are named by its hash, so no object id holds it. */
export async function hashedKey(kind: string, value: string): Promise<string> {
  return `${kind}:${await sha256Hex(value.trim().toLowerCase())}`;
}

export interface Limit {
  key: string;
  limit: number;
  windowMs: number;
}

/**
 * Counts one request against each limit (all at once, each in its own RateGate); if any is
 * over, answers 429 `rate_limited` with the longest wait in Retry-After.
 */
export async function enforceLimits(ctx: ServiceContext, limits: Limit[]): Promise<void> {
  const decisions: GateDecision[] = await Promise.all(
    limits.map((limit) => rateGate(ctx, limit.key).hit(limit.limit, limit.windowMs)),
  );
  const refused = decisions.filter((decision) => !decision.allowed);
  if (refused.length === 0) return;
  const retryAfter = Math.max(...refused.map((decision) => decision.retryAfter));
  throw new ApiError("rate_limited", "Too many requests; try again later", {
    headers: { "retry-after": String(retryAfter) },
  });
}
