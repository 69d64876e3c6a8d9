import type { MessageKey } from "../lib/messages";
import type { Product } from "../lib/types";

/**
 * What the merchant picks: card secrets, single-use vouchers, count cards (vouchers of N uses),
 * stored value, time cards, licence keys, top-ups, bundles, or shared accounts (loop stock).
 */
export type KindChoice =
  | "card_secret"
  | "voucher"
  | "count_card"
  | "stored_value"
  | "time_card"
  | "licence"
  | "direct_recharge"
  | "bundle"
  | "shared_account";

export const KIND_CHOICES: KindChoice[] = [
  "card_secret",
  "voucher",
  "count_card",
  "stored_value",
  "time_card",
  "licence",
  "direct_recharge",
  "bundle",
  "shared_account",
];

export function kindChoiceOf(product: Pick<Product, "kind" | "skus">): KindChoice {
  if (
    product.kind === "card_secret" ||
    product.kind === "direct_recharge" ||
    product.kind === "bundle" ||
    product.kind === "shared_account" ||
    product.kind === "stored_value" ||
    product.kind === "time_card" ||
    product.kind === "licence"
  ) {
    return product.kind;
  }
  const countCard = product.skus.some(
    (sku) => sku.policy.uses > 1 || (sku.policy.terms?.form === "uses" && sku.policy.terms.minIntervalSeconds !== null),
  );
  return countCard ? "count_card" : "voucher";
}

export function kindLabel(product: Pick<Product, "kind" | "skus">): MessageKey {
  return `kind.${kindChoiceOf(product)}`;
}
