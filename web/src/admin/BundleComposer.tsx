// A bundle SKU's contents: pick SKUs of the catalog and how many of each one bundle delivers.
// The server answers with each component's share of the bundle's price, shown beside it.
import { type FormEvent, useId, useState } from "react";
import { ErrorNotice, Notice } from "../components/ui";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { BundleComponent, Money, Product, Sku } from "../lib/types";
import { useAdmin } from "./session";

interface Row {
  key: string;
  skuId: string;
  quantity: string;
}

interface Composition {
  skuId: string;
  price: Money;
  components: (BundleComponent & { share: Money })[];
}

export function BundleComposer({
  sku,
  editable,
  onSaved,
}: {
  sku: Sku;
  editable: boolean;
  onSaved: () => Promise<void>;
}) {
  const { api } = useAdmin();
  const { t, money } = useI18n();
  const id = useId();
  const [rows, setRows] = useState<Row[]>(() =>
    (sku.components ?? []).map((component) => ({
      key: crypto.randomUUID(),
      skuId: component.skuId,
      quantity: String(component.quantity),
    })),
  );
  const [composition, setComposition] = useState<Composition | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // What can go inside: the SKUs of the catalog's other products, in the bundle's currency.
  const catalog = useLoad((signal) => api.get<{ data: Product[] }>("/v1/admin/products?limit=100", { signal }), [api]);
  const choices = (catalog.data?.data ?? [])
    .filter((product) => product.kind !== "bundle")
    .flatMap((product) =>
      product.skus
        .filter((option) => option.price.currency === sku.price.currency && !option.renewal)
        .map((option) => ({ product, option })),
    );
  const shares = composition?.components ?? [];

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const components = rows.map((row) => ({ skuId: row.skuId, quantity: Number(row.quantity) }));
      setComposition(await api.put<Composition>(`/v1/admin/skus/${sku.id}/components`, { components }));
      await onSaved();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const setRow = (index: number, next: Partial<Row>) =>
    setRows((list) => list.map((row, i) => (i === index ? { ...row, ...next } : row)));

  return (
    <form onSubmit={save} className="stack bundle-composer" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t("bundle.contents")}</h3>
      <p className="hint">{t("bundle.hint")}</p>
      <ErrorNotice error={error ?? catalog.error} />
      {rows.length === 0 ? <Notice tone="warning">{t("bundle.empty")}</Notice> : null}
      {rows.map((row, index) => {
        const share = shares.find((component) => component.skuId === row.skuId)?.share;
        return (
          <div key={row.key} className="sku-row" data-testid={`component-${index}`}>
            <div className="field">
              <label htmlFor={`${id}-sku-${index}`}>{t("bundle.component", { n: index + 1 })}</label>
              <select
                id={`${id}-sku-${index}`}
                required
                disabled={!editable}
                value={row.skuId}
                onChange={(event) => setRow(index, { skuId: event.target.value })}
              >
                <option value="">{t("bundle.choose")}</option>
                {choices.map(({ product, option }) => (
                  <option key={option.id} value={option.id}>
                    {product.name} · {option.name} ({money(option.price)})
                  </option>
                ))}
              </select>
            </div>
            <div className="field narrow">
              <label htmlFor={`${id}-qty-${index}`}>{t("bundle.quantity")}</label>
              <input
                id={`${id}-qty-${index}`}
                type="number"
                min={1}
                max={100}
                required
                disabled={!editable}
                value={row.quantity}
                onChange={(event) => setRow(index, { quantity: event.target.value })}
              />
            </div>
            {share ? <p className="muted small">{t("bundle.share", { amount: money(share) })}</p> : null}
            {editable ? (
              <button
                type="button"
                className="button small danger"
                onClick={() => setRows((list) => list.filter((_, i) => i !== index))}
              >
                {t("remove")}
              </button>
            ) : null}
          </div>
        );
      })}
      {editable ? (
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={rows.length >= 10}
            onClick={() => setRows((list) => [...list, { key: crypto.randomUUID(), skuId: "", quantity: "1" }])}
          >
            {t("bundle.add")}
          </button>
          <button type="submit" className="button primary" disabled={busy || rows.length === 0}>
            {t("bundle.save")}
          </button>
        </div>
      ) : null}
      {composition ? (
        <Notice tone="success" live>
          {t("bundle.saved", { price: money(composition.price) })}
        </Notice>
      ) : null}
    </form>
  );
}
