import type { MessageKey } from "../lib/messages";
import type { Product } from "../lib/types";

/**
 * What the merchant picks: card secrets, single-use vouchers, count cards (vouchers of N uses),
 * top-ups, bundles, or shared accounts (loop stock).
 */
export type KindChoice = "card_secret" | "voucher" | "count_card" | "direct_recharge" | "bundle" | "shared_account";

export function kindChoiceOf(product: Pick<Product, "kind" | "skus">): KindChoice {
  if (
    product.kind === "card_secret" ||
    product.kind === "direct_recharge" ||
    product.kind === "bundle" ||
    product.kind === "shared_account"
  ) {
    return product.kind;
  }
  return product.skus.some((sku) => sku.policy.uses > 1) ? "count_card" : "voucher";
}

export function kindLabel(product: Pick<Product, "kind" | "skus">): MessageKey {
  return `kind.${kindChoiceOf(product)}`;
}
