import { checkRecipient, type RechargeTemplate } from "@tessera/domain";
import type { ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { recipientContext } from "./upstream";

/**
 * Checks a direct top-up line's recipient against its product's template and seals the
 * normalized account for the supplier; the order keeps only the masked form in clear.
 */
export async function sealRecipient(
  ctx: ServiceContext,
  merchantId: string,
  orderId: string,
  template: RechargeTemplate | null,
  input: Record<string, string> | undefined,
  path: string,
): Promise<{ recipientCiphertext: string; recipientMasked: string }> {
  const check = template
    ? checkRecipient(template, input ?? {})
    : { ok: false as const, errors: [{ field: "template", message: "the product has no recipient template" }] };
  if (!check.ok) {
    throw new ApiError("validation_failed", "The recipient account is not valid for this product", {
      errors: check.errors.map((error) => ({ path: `${path}.${error.field}`, message: error.message })),
    });
  }
  return {
    recipientCiphertext: await ctx.vault.encrypt(JSON.stringify(check.account), recipientContext(merchantId, orderId)),
    recipientMasked: check.masked,
  };
}

/** Whether the SKU's suppliers offered enough units at their last sync. */
export function upstreamCovers(sku: { upstreamAvailable: number }, quantity: number): boolean {
  return sku.upstreamAvailable >= quantity;
}

interface CheckoutLine {
  sku: { id: string; upstreamAvailable: number };
  product: { kind: string; rechargeTemplate: RechargeTemplate | null };
  quantity: number;
}

/**
 * The supply side of checkout, before anything is reserved: a direct top-up needs its
 * suppliers to offer enough (by their last sync) and a valid recipient, sealed per SKU line;
 * other kinds take no recipient. Repeats of one top-up SKU must name the same recipient.
 */
export async function prepareSupplyLines(
  ctx: ServiceContext,
  merchantId: string,
  orderId: string,
  lines: CheckoutLine[],
  items: { skuId: string; recipient?: Record<string, string> | undefined }[],
): Promise<Map<string, { recipientCiphertext: string; recipientMasked: string }>> {
  const sealed = new Map<string, { recipientCiphertext: string; recipientMasked: string }>();
  for (const line of lines) {
    const given = items.map((item, index) => ({ item, index })).filter(({ item }) => item.skuId === line.sku.id);
    const first = given[0];
    if (line.product.kind !== "direct_recharge") {
      const stray = given.find(({ item }) => item.recipient !== undefined);
      if (stray) {
        throw new ApiError("validation_failed", "Only direct top-ups take a recipient", {
          errors: [{ path: `items.${stray.index}.recipient`, message: "not a top-up" }],
        });
      }
      continue;
    }
    const differing = given.find(
      ({ item }) => JSON.stringify(item.recipient) !== JSON.stringify(first?.item.recipient),
    );
    if (differing) {
      throw new ApiError("validation_failed", "Order one recipient per top-up product at a time", {
        errors: [{ path: `items.${differing.index}.recipient`, message: "another recipient for the same SKU" }],
      });
    }
    sealed.set(
      line.sku.id,
      await sealRecipient(
        ctx,
        merchantId,
        orderId,
        line.product.rechargeTemplate,
        first?.item.recipient,
        `items.${first?.index ?? 0}.recipient`,
      ),
    );
    if (!upstreamCovers(line.sku, line.quantity)) {
      throw new ApiError("insufficient_stock", "The suppliers cannot deliver this top-up right now");
    }
  }
  return sealed;
}

/** A direct top-up product must say what recipient it takes; no other kind may. */
export function rechargeTemplateFor(
  kind: string,
  template: RechargeTemplate | null | undefined,
): RechargeTemplate | null {
  if (kind === "direct_recharge" && !template) {
    throw new ApiError("validation_failed", "A direct top-up names the recipient it asks for", {
      errors: [{ path: "recharge", message: "required for direct_recharge" }],
    });
  }
  if (kind !== "direct_recharge" && template) {
    throw new ApiError("validation_failed", "Only direct top-ups take a recipient template", {
      errors: [{ path: "recharge", message: "only for direct_recharge" }],
    });
  }
  return template ?? null;
}
