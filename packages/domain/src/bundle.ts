import type { Currency } from "./money";
import type { ProductKind } from "./product-kinds";

/**
 * A bundle (套餐) sells the items of several SKUs for one price. The price is shared out over
 * the components in proportion to their list value (price × quantity), in whole minor units,
 * so that refunding one component gives back exactly its share and the shares of a line
 * always add up to what the buyer paid for it.
 */
export const MAX_BUNDLE_COMPONENTS = 10;
export const MAX_COMPONENT_QUANTITY = 100;

export interface BundleComponentInput {
  skuId: string;
  quantity: number;
}

export interface ComponentCandidate extends BundleComponentInput {
  kind: ProductKind;
  currency: Currency;
  /** The component SKU renews as a subscription. */
  renews: boolean;
}

export type CompositionError = { path: string; message: string };

/**
 * What may go into a bundle: 1 to 10 distinct SKUs of the bundle's currency, each 1 to 100
 * times; no bundle inside a bundle (its own contents would need sharing out again) and no
 * subscription (a renewal of one component would renew a part of a price).
 */
export function checkComposition(
  bundle: { skuId: string; currency: Currency },
  components: readonly ComponentCandidate[],
): CompositionError[] {
  const errors: CompositionError[] = [];
  if (components.length === 0 || components.length > MAX_BUNDLE_COMPONENTS) {
    errors.push({ path: "components", message: `between 1 and ${MAX_BUNDLE_COMPONENTS} components` });
  }
  const seen = new Set<string>();
  for (const [index, component] of components.entries()) {
    const at = (field: string) => `components.${index}.${field}`;
    if (seen.has(component.skuId)) errors.push({ path: at("skuId"), message: "listed twice" });
    seen.add(component.skuId);
    if (component.skuId === bundle.skuId) errors.push({ path: at("skuId"), message: "a bundle cannot contain itself" });
    else if (component.kind === "bundle")
      errors.push({ path: at("skuId"), message: "a bundle cannot contain a bundle" });
    if (component.renews) errors.push({ path: at("skuId"), message: "a subscription cannot go into a bundle" });
    if (component.currency !== bundle.currency) {
      errors.push({ path: at("skuId"), message: `priced in ${component.currency}, the bundle in ${bundle.currency}` });
    }
    if (
      !Number.isSafeInteger(component.quantity) ||
      component.quantity < 1 ||
      component.quantity > MAX_COMPONENT_QUANTITY
    ) {
      errors.push({ path: at("quantity"), message: `between 1 and ${MAX_COMPONENT_QUANTITY}` });
    }
  }
  return errors;
}

/**
 * Shares `total` minor units out in proportion to `weights` by the largest-remainder method:
 * each share is the exact proportional amount rounded down, and the units left over (fewer
 * than there are shares) go one each to the largest remainders, the earlier share first on a
 * tie. So the shares add up to `total`, each is within one unit of its exact amount, a zero
 * weight gets nothing, and a larger weight never gets less. When every weight is zero the
 * total is shared equally. Computed with BigInt: price × weight can pass 2^53.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError("total must be a whole amount ≥ 0");
  if (weights.length === 0) throw new RangeError("nothing to allocate over");
  if (weights.some((weight) => !Number.isSafeInteger(weight) || weight < 0)) {
    throw new RangeError("weights must be whole numbers ≥ 0");
  }
  const effective = weights.every((weight) => weight === 0) ? weights.map(() => 1) : weights;
  const whole = BigInt(total);
  const sum = effective.reduce((acc, weight) => acc + BigInt(weight), 0n);
  const parts = effective.map((weight, index) => {
    const scaled = whole * BigInt(weight);
    return { index, share: scaled / sum, remainder: scaled % sum };
  });
  let left = whole - parts.reduce((acc, part) => acc + part.share, 0n);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const part of byRemainder) {
    if (left === 0n) break;
    part.share += 1n;
    left -= 1n;
  }
  return parts.map((part) => Number(part.share));
}

/** One bundle line's price shared over its components, by list value (price × quantity). */
export function allocateBundle(
  lineTotal: number,
  components: readonly { listAmount: number; quantity: number }[],
): number[] {
  return allocate(
    lineTotal,
    components.map((component) => component.listAmount * component.quantity),
  );
}
