import { findSupplier } from "@tessera/db";
import { z } from "zod";
import type { ServiceContext } from "../context";
import { afterUpstreamOutcome } from "../services/suppliers/outcomes";
import { reconcileSupplierDay } from "../services/suppliers/reconciliation";
import { restockIfLow } from "../services/suppliers/restock";
import { syncSupplierById } from "../services/suppliers/sync";
import { pollSupplierOrder } from "../services/suppliers/upstream";
import { backoffSeconds } from "./backoff";

const Id = z.string().min(1).max(64);

export const SupplierMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("sync"), supplierId: Id }),
  z.object({ type: z.literal("poll"), supplierOrderId: Id }),
  z.object({ type: z.literal("restock"), merchantId: Id, skuId: Id }),
  z.object({ type: z.literal("reconcile"), supplierId: Id, date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
]);
export type SupplierMessage = z.infer<typeof SupplierMessage>;

async function handle(ctx: ServiceContext, message: SupplierMessage): Promise<void> {
  switch (message.type) {
    case "sync": {
      const result = await syncSupplierById(ctx, message.supplierId);
      ctx.log.info("supplier synced", {
        supplierId: message.supplierId,
        skus: result?.skus ?? 0,
        error: result?.error ?? null,
      });
      return;
    }
    case "poll": {
      const applied = await pollSupplierOrder(ctx, message.supplierOrderId);
      if (applied) await afterUpstreamOutcome(ctx, applied);
      return;
    }
    case "restock": {
      const outcome = await restockIfLow(ctx, message.merchantId, message.skuId);
      ctx.log.info("restock checked", { skuId: message.skuId, outcome });
      return;
    }
    case "reconcile": {
      const supplier = await findSupplier(ctx.db, message.supplierId);
      if (!supplier) return;
      const report = await reconcileSupplierDay(ctx, supplier, message.date);
      ctx.log.info("supplier reconciled", {
        supplierId: supplier.id,
        date: message.date,
        mismatches: report.mismatches.length,
      });
    }
  }
}

/**
 * Stock syncs, polls of upstream orders, restocks and reconciliations. The messages of a batch
 * run side by side, each bounded by its supplier's timeout, so one slow supplier never holds
 * up the others; each is acked or retried on its own (a malformed one ends in the DLQ).
 */
export async function consumeSupplier(ctx: ServiceContext, batch: MessageBatch<unknown>): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = SupplierMessage.safeParse(message.body);
      if (!parsed.success) {
        ctx.log.error("malformed supplier message", { messageId: message.id });
        message.retry({ delaySeconds: backoffSeconds(message.attempts) });
        return;
      }
      try {
        await handle(ctx, parsed.data);
        message.ack();
      } catch (error) {
        ctx.log.warn("supplier message failed; will retry", { type: parsed.data.type, error: String(error) });
        message.retry({ delaySeconds: backoffSeconds(message.attempts) });
      }
    }),
  );
}
