import type { SupplierRow } from "@tessera/db";
import { SupplierRejection, SupplierTransportError } from "@tessera/suppliers";
import type { ServiceContext } from "../../context";
import type { BreakerSettings, CallOutcome } from "../../objects/supplier-breaker";

/** A call refused because the supplier's circuit is open: nothing was sent. */
export class CircuitOpenError extends Error {
  readonly retryAt: number | null;
  constructor(retryAt: number | null) {
    super("the supplier's circuit is open");
    this.name = "CircuitOpenError";
    this.retryAt = retryAt;
  }
}

export function breakerOf(ctx: ServiceContext, supplierId: string) {
  return ctx.env.SUPPLIER_BREAKER.get(ctx.env.SUPPLIER_BREAKER.idFromName(supplierId));
}

export function breakerSettings(supplier: Pick<SupplierRow, "failureThreshold" | "cooldownSeconds" | "timeoutMs">) {
  return {
    failureThreshold: supplier.failureThreshold,
    cooldownMs: supplier.cooldownSeconds * 1000,
    probeTimeoutMs: supplier.timeoutMs + 5_000,
  } satisfies BreakerSettings;
}

/**
 * Runs one supplier call through its circuit breaker: refused at once while the circuit is
 * open, and its outcome recorded after. A rejection (out of stock, no such order) is the
 * supplier answering, so it counts as healthy; transport failures and timeouts do not.
 */
export async function guarded<T>(ctx: ServiceContext, supplier: SupplierRow, call: () => Promise<T>): Promise<T> {
  const breaker = breakerOf(ctx, supplier.id);
  const settings = breakerSettings(supplier);
  const permit = await breaker.acquire(settings);
  if (!permit.allowed) throw new CircuitOpenError(permit.retryAt);
  const started = Date.now();
  const record = async (outcome: CallOutcome, detail: string | null) => {
    try {
      const health = await breaker.record(outcome, Date.now() - started, settings, detail);
      if (outcome !== "success" && health.state === "open" && health.openedAt === health.lastFailureAt) {
        ctx.log.warn("supplier circuit opened", { supplierId: supplier.id, failures: health.consecutiveFailures });
      }
    } catch (error) {
      // The call's own outcome matters more than its bookkeeping.
      ctx.log.warn("circuit breaker not updated", { supplierId: supplier.id, error: String(error) });
    }
  };
  try {
    const value = await call();
    await record("success", null);
    return value;
  } catch (error) {
    if (error instanceof SupplierRejection) {
      await record("success", null);
    } else {
      const failure = error instanceof SupplierTransportError ? error.failure : "network";
      await record(failure === "timeout" ? "timeout" : "failure", failure);
    }
    throw error;
  }
}

/** The merchant's view of a supplier's health: its circuit and its recent calls. */
export async function supplierHealth(ctx: ServiceContext, supplier: SupplierRow) {
  const health = await breakerOf(ctx, supplier.id).health();
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    supplierId: supplier.id,
    status: supplier.status,
    circuit: {
      state: health.state,
      consecutiveFailures: health.consecutiveFailures,
      openedAt: iso(health.openedAt),
      retryAt: health.state === "closed" ? null : iso(health.retryAt),
      timesOpened: health.opened,
    },
    lastSuccessAt: iso(health.lastSuccessAt),
    lastFailureAt: iso(health.lastFailureAt),
    lastFailure: health.lastFailure,
    recent: health.recent,
    lastSyncedAt: iso(supplier.lastSyncedAt),
  };
}
