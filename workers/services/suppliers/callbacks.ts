import { findSupplier, findSupplierOrder, recordWebhookEvent } from "@tessera/db";
import type { ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { afterUpstreamOutcome } from "./outcomes";
import { adapterFor } from "./registry";
import { applyUpstreamResult } from "./upstream";

/**
 * A supplier's callback about one of our orders. The raw body is verified first (HMAC over
 * the canonical string, timestamp window, our account id) with that supplier's own key, and
 * only what the signature covers is read: the path names whose key to use, nothing else is
 * taken from the request. The order must be one we placed with this very supplier. Each notify
 * id is recorded once; the report itself is applied idempotently, so duplicates, stale and
 * out-of-order callbacks leave exactly one outcome.
 */
export async function handleSupplierCallback(ctx: ServiceContext, supplierId: string, rawBody: string) {
  const supplier = await findSupplier(ctx.db, supplierId);
  if (!supplier) throw new ApiError("not_found", "No such supplier");
  const parsed = await (await adapterFor(ctx, supplier)).parseCallback(rawBody, Math.floor(Date.now() / 1000));
  if (!parsed.ok) {
    ctx.log.warn("supplier callback refused", { supplierId, reason: parsed.reason });
    throw new ApiError("invalid_signature", `Signature check failed: ${parsed.reason}`);
  }
  const report = parsed.order;
  const row = await findSupplierOrder(ctx.db, report.merchantOrderNo);
  if (!row || row.supplierId !== supplier.id) throw new ApiError("not_found", "No such order at this supplier");
  if (report.productId !== row.upstreamProductId || report.quantity !== row.quantity) {
    ctx.log.error("supplier callback describes another order", { supplierId, supplierOrderId: row.id });
    throw new ApiError("conflict", "The callback does not match the order placed");
  }
  const applied = await applyUpstreamResult(ctx, row, report);
  const fresh = await recordWebhookEvent(ctx.db, {
    provider: `supplier:${supplier.id}`,
    eventId: parsed.notifyId,
    type: `order.${report.status}`,
    receivedAt: Date.now(),
  });
  if (applied.moved) {
    ctx.waitUntil(
      afterUpstreamOutcome(ctx, applied).catch((error) =>
        ctx.log.warn("upstream outcome not applied; the queue retries", {
          supplierOrderId: row.id,
          error: String(error),
        }),
      ),
    );
  }
  return { received: true as const, duplicate: !fresh, status: applied.status };
}
