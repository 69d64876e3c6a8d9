// What a bundle holds, and how often a subscription renews, on the product page.
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import type { RenewalPlan, Sku } from "../lib/types";

export function renewalText(t: ReturnType<typeof useI18n>["t"], plan: RenewalPlan): string {
  return plan.every === 1
    ? t(`renewal.each.${plan.period}` as MessageKey)
    : t(`renewal.everyN.${plan.period}` as MessageKey, { n: plan.every });
}

export function SkuExtras({ sku }: { sku: Sku }) {
  const { t, money } = useI18n();
  return (
    <>
      {sku.renewal ? (
        <p className="muted small" data-testid="renewal">
          {t("shop.renews", { plan: renewalText(t, sku.renewal) })}
        </p>
      ) : null}
      {sku.components ? (
        <section className="bundle-contents" aria-label={t("bundle.inside")}>
          <h2 className="small-heading">{t("bundle.inside")}</h2>
          <ul className="plain-list" data-testid="bundle-contents">
            {sku.components.map((component) => (
              <li key={component.skuId}>
                {component.productName} · {component.skuName} × {component.quantity}{" "}
                <span className="muted small">({t("bundle.worth", { amount: money(component.listPrice) })})</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
