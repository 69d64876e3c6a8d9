import { auditStatement, findSkuOfMerchant, isBundleComponent, renewalPlanStatement, runAtomic } from "@tessera/db";
import type { RenewalPlan } from "@tessera/domain";
import type { AdminCaller, ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { auditEntry } from "../audit";

/**
 * Sells a SKU as a subscription renewing on `plan`, or (null) as a one-off purchase again.
 * Subscriptions already sold keep the plan, price and quantity they were bought with. A SKU
 * inside a bundle cannot renew on its own terms (a renewal would renew part of a price).
 */
export async function setRenewalPlan(
  ctx: ServiceContext,
  caller: AdminCaller,
  skuId: string,
  plan: RenewalPlan | null,
): Promise<{ skuId: string; renewal: RenewalPlan | null }> {
  const found = await findSkuOfMerchant(ctx.db, caller.merchantId, skuId);
  if (!found) throw new ApiError("not_found", "No such SKU");
  if (plan && (await isBundleComponent(ctx.db, caller.merchantId, skuId))) {
    throw new ApiError("conflict", "This SKU is inside a bundle: make the bundle the subscription instead");
  }
  const now = Date.now();
  await runAtomic(ctx.db, [
    renewalPlanStatement(ctx.db, caller.merchantId, skuId, plan),
    auditStatement(ctx.db, caller.merchantId, auditEntry(caller, "sku.renewal_set", skuId, { renewal: plan }, now)),
  ]);
  return { skuId, renewal: plan };
}
