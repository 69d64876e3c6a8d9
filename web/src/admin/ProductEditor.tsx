import { type FormEvent, useId, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { Markdown } from "../components/Markdown";
import { ErrorNotice, Loading, Notice } from "../components/ui";
import { newIdempotencyKey } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import { CURRENCIES, formatMajor, parseMajor } from "../lib/money";
import { termsSummary } from "../lib/policy-summary";
import { timeZone as browserTimeZone } from "../lib/time-zone";
import type { Product, Sku, Terms } from "../lib/types";
import { BundleComposer } from "./BundleComposer";
import { KIND_CHOICES, type KindChoice, kindChoiceOf } from "./product-kinds";
import { SkuRenewal } from "./SkuRenewal";
import { useAdmin } from "./session";

interface SkuDraft {
  key: string;
  name: string;
  price: string;
  currency: string;
  uses: string;
  validDays: string;
  lowStockThreshold: string;
  /** Count cards: minutes between two uses, empty for none. */
  minIntervalMinutes: string;
  /** Stored value, in major units of the SKU's currency. */
  balance: string;
  durationAmount: string;
  durationUnit: "hours" | "days";
  timeStart: "activation" | "purchase";
  /** ISO weekdays, 1 = Monday; all seven for every day. */
  weekdays: number[];
  hoursFrom: string;
  hoursTo: string;
  timeZone: string;
  seats: string;
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const MINTED: KindChoice[] = ["voucher", "count_card", "stored_value", "time_card", "licence"];

const blankSku = (currency = "CNY"): SkuDraft => ({
  key: crypto.randomUUID(),
  name: "",
  price: "",
  currency,
  uses: "1",
  validDays: "",
  lowStockThreshold: "",
  minIntervalMinutes: "",
  balance: "",
  durationAmount: "",
  durationUnit: "days",
  timeStart: "activation",
  weekdays: [...WEEKDAYS],
  hoursFrom: "",
  hoursTo: "",
  timeZone: browserTimeZone(),
  seats: "1",
});

const TEMPLATES = ["mobile_cn", "game_account", "qq", "email"] as const;

interface ProductDraft {
  name: string;
  kind: KindChoice;
  template: (typeof TEMPLATES)[number];
  regions: string;
  description: string;
  instructions: string;
  imageUrl: string;
  listed: boolean;
}

const isHttpsUrl = (value: string) => {
  if (value.trim() === "") return true;
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
};

function skuPayload(draft: SkuDraft, kind: KindChoice, t: (key: MessageKey) => string) {
  const amount = parseMajor(draft.price, draft.currency);
  if (!draft.name.trim()) throw new Error(t("product.skuNameRequired"));
  if (amount === null) throw new Error(t("product.priceInvalid"));
  const payload: Record<string, unknown> = { name: draft.name.trim(), price: { amount, currency: draft.currency } };
  if (MINTED.includes(kind)) {
    const uses = kind === "count_card" ? Number(draft.uses) : 1;
    if (!Number.isInteger(uses) || uses < 1) throw new Error(t("product.usesInvalid"));
    const validDays = draft.validDays.trim() === "" ? null : Number(draft.validDays);
    if (validDays !== null && (!Number.isInteger(validDays) || validDays < 1))
      throw new Error(t("product.validDaysInvalid"));
    payload.policy = { uses, validDays, terms: termsOf(draft, kind, t) };
  }
  return payload;
}

const wholeAtLeast = (text: string, min: number) => {
  const n = Number(text);
  return text.trim() !== "" && Number.isInteger(n) && n >= min ? n : null;
};

/** The form's terms the API takes for this kind; null for a plain voucher. */
function termsOf(draft: SkuDraft, kind: KindChoice, t: (key: MessageKey) => string): Terms | null {
  switch (kind) {
    case "count_card": {
      if (draft.minIntervalMinutes.trim() === "") return null;
      const minutes = wholeAtLeast(draft.minIntervalMinutes, 1);
      if (minutes === null) throw new Error(t("product.intervalInvalid"));
      return { form: "uses", minIntervalSeconds: minutes * 60 };
    }
    case "stored_value": {
      const balance = parseMajor(draft.balance, draft.currency);
      if (balance === null || balance < 1) throw new Error(t("product.balanceInvalid"));
      return { form: "balance", balance };
    }
    case "time_card": {
      const amount = wholeAtLeast(draft.durationAmount, 1);
      if (amount === null) throw new Error(t("product.durationInvalid"));
      // Both ends or neither: one end alone says nothing the API can keep.
      if (Boolean(draft.hoursFrom) !== Boolean(draft.hoursTo)) throw new Error(t("product.hoursInvalid"));
      const hours = draft.hoursFrom && draft.hoursTo ? { from: draft.hoursFrom, to: draft.hoursTo } : null;
      if (draft.weekdays.length === 0) throw new Error(t("product.weekdaysInvalid"));
      return {
        form: "time",
        durationSeconds: amount * (draft.durationUnit === "days" ? 86_400 : 3_600),
        start: draft.timeStart,
        weekdays: draft.weekdays.length === 7 ? null : [...draft.weekdays].sort(),
        hours,
        timeZone: draft.timeZone,
      };
    }
    case "licence": {
      const seats = wholeAtLeast(draft.seats, 1);
      if (seats === null) throw new Error(t("product.seatsInvalid"));
      return { form: "seats", seats };
    }
    default:
      return null;
  }
}

function thresholdOf(draft: SkuDraft): number | null | undefined {
  if (draft.lowStockThreshold.trim() === "") return undefined;
  const n = Number(draft.lowStockThreshold);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function ProductEditorPage() {
  const { productId } = useParams();
  const { api } = useAdmin();
  const product = useLoad(
    (signal) => (productId ? api.get<Product>(`/v1/admin/products/${productId}`, { signal }) : Promise.resolve(null)),
    [api, productId],
  );
  if (!productId) return <ProductForm product={null} />;
  if (product.error) return <ErrorNotice error={product.error} />;
  if (!product.data) return <Loading />;
  return <ProductForm key={product.data.id} product={product.data} onSaved={product.setData} />;
}

function ProductForm({ product, onSaved }: { product: Product | null; onSaved?: (product: Product) => void }) {
  const { api, can } = useAdmin();
  const { t } = useI18n();
  const navigate = useNavigate();
  const id = useId();
  const editable = can("catalog.write");
  const [draft, setDraft] = useState<ProductDraft>(() => ({
    name: product?.name ?? "",
    kind: product ? kindChoiceOf(product) : "card_secret",
    template: product?.recharge?.template ?? "mobile_cn",
    regions: product?.recharge?.template === "game_account" ? product.recharge.regions.join(", ") : "",
    description: product?.description ?? "",
    instructions: product?.instructions ?? "",
    imageUrl: product?.imageUrl ?? "",
    listed: product?.listed ?? true,
  }));
  const [skus, setSkus] = useState<SkuDraft[]>(() => (product ? [] : [blankSku()]));
  const [preview, setPreview] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const idempotencyKey = useRef(newIdempotencyKey());
  const set = <K extends keyof ProductDraft>(key: K, value: ProductDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(false);
  };
  const imageOk = isHttpsUrl(draft.imageUrl);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!imageOk) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const fields = {
        name: draft.name.trim(),
        description: draft.description,
        instructions: draft.instructions,
        ...(draft.imageUrl.trim() ? { imageUrl: draft.imageUrl.trim() } : {}),
        listed: draft.listed,
      };
      if (!product) {
        const kind = draft.kind === "count_card" ? "voucher" : draft.kind;
        const recharge =
          draft.kind !== "direct_recharge"
            ? {}
            : draft.template === "game_account"
              ? {
                  recharge: {
                    template: "game_account",
                    regions: draft.regions
                      .split(/[,，\n]/)
                      .map((region) => region.trim())
                      .filter(Boolean),
                  },
                }
              : { recharge: { template: draft.template } };
        const created = await api.post<Product>(
          "/v1/admin/products",
          { ...fields, kind, ...recharge, skus: skus.map((sku) => skuPayload(sku, draft.kind, t)) },
          { idempotencyKey: idempotencyKey.current },
        );
        idempotencyKey.current = newIdempotencyKey();
        // Thresholds are a SKU setting of their own; the product exists either way.
        const thresholds = await Promise.allSettled(
          skus.map((sku, index) => {
            const threshold = thresholdOf(sku);
            const skuId = created.skus[index]?.id;
            return threshold !== undefined && skuId
              ? api.patch(`/v1/admin/skus/${skuId}`, { lowStockThreshold: threshold })
              : Promise.resolve();
          }),
        );
        const thresholdFailed = thresholds.some((result) => result.status === "rejected");
        // A bundle is composed next, on its own page.
        navigate(kind === "bundle" ? `/admin/catalog/${created.id}` : "/admin/catalog", {
          state: { created: created.name, thresholdFailed },
        });
      } else {
        const updated = await api.patch<Product>(`/v1/admin/products/${product.id}`, {
          ...fields,
          imageUrl: draft.imageUrl.trim() || null,
        });
        onSaved?.(updated);
        setSaved(true);
      }
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <p>
        <Link to="/admin/catalog">← {t("catalog.title")}</Link>
      </p>
      <h1>{product ? product.name : t("product.newTitle")}</h1>
      {!editable ? <Notice tone="info">{t("product.readOnly")}</Notice> : null}
      <form onSubmit={submit} className="stack card">
        <ErrorNotice error={error} />
        {saved ? (
          <Notice tone="success" live>
            {t("saved")}
          </Notice>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-name`}>{t("catalog.name")}</label>
          <input
            id={`${id}-name`}
            required
            maxLength={200}
            disabled={!editable}
            value={draft.name}
            onChange={(event) => set("name", event.target.value)}
          />
        </div>
        <fieldset className="field" disabled={!editable || product !== null}>
          <legend>{t("catalog.kind")}</legend>
          <div className="radio-row">
            {KIND_CHOICES.map((kind) => (
              <label key={kind} className="radio">
                <input
                  type="radio"
                  name={`${id}-kind`}
                  value={kind}
                  checked={draft.kind === kind}
                  onChange={() => set("kind", kind)}
                />
                <span>
                  <strong>{t(`kind.${kind}`)}</strong>
                  <span className="hint block">{t(`kind.${kind}.hint`)}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {draft.kind === "direct_recharge" ? (
          <div className="field">
            <label htmlFor={`${id}-template`}>{t("product.recipient")}</label>
            <select
              id={`${id}-template`}
              disabled={!editable || product !== null}
              value={draft.template}
              onChange={(event) => set("template", event.target.value as ProductDraft["template"])}
            >
              {TEMPLATES.map((template) => (
                <option key={template} value={template}>
                  {t(`recipient.${template}`)}
                </option>
              ))}
            </select>
            {draft.template === "game_account" ? (
              <>
                <label htmlFor={`${id}-regions`}>{t("product.regions")}</label>
                <input
                  id={`${id}-regions`}
                  required
                  disabled={!editable || product !== null}
                  value={draft.regions}
                  onChange={(event) => set("regions", event.target.value)}
                />
                <p className="hint">{t("product.regionsHint")}</p>
              </>
            ) : null}
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-description`}>{t("product.description")}</label>
          <textarea
            id={`${id}-description`}
            rows={3}
            maxLength={5000}
            disabled={!editable}
            value={draft.description}
            onChange={(event) => set("description", event.target.value)}
          />
        </div>
        <div className="field">
          <div className="label-row">
            <label htmlFor={`${id}-instructions`}>{t("product.instructions")}</label>
            <button type="button" className="button small" aria-pressed={preview} onClick={() => setPreview((p) => !p)}>
              {preview ? t("product.edit") : t("product.preview")}
            </button>
          </div>
          {preview ? (
            <div className="preview" aria-live="polite">
              <Markdown source={draft.instructions || t("product.nothingToPreview")} />
            </div>
          ) : (
            <textarea
              id={`${id}-instructions`}
              rows={8}
              maxLength={20000}
              disabled={!editable}
              value={draft.instructions}
              onChange={(event) => set("instructions", event.target.value)}
            />
          )}
          <p className="hint">{t("product.instructionsHint")}</p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-image`}>{t("product.imageUrl")}</label>
          <input
            id={`${id}-image`}
            type="url"
            inputMode="url"
            placeholder="https://"
            disabled={!editable}
            aria-invalid={!imageOk}
            value={draft.imageUrl}
            onChange={(event) => set("imageUrl", event.target.value)}
          />
          {!imageOk ? <p className="hint error-text">{t("product.imageHttps")}</p> : null}
          {imageOk && draft.imageUrl.trim() ? (
            <img className="thumb" src={draft.imageUrl.trim()} alt={t("product.imagePreview")} />
          ) : null}
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.listed}
            disabled={!editable}
            onChange={(event) => set("listed", event.target.checked)}
          />
          {t("product.listed")}
        </label>

        {product ? null : (
          <fieldset className="stack">
            <legend>{t("catalog.skus")}</legend>
            {skus.map((sku, index) => (
              <SkuFields
                key={sku.key}
                kind={draft.kind}
                draft={sku}
                index={index}
                onChange={(next) => setSkus((list) => list.map((s) => (s.key === sku.key ? next : s)))}
                onRemove={skus.length > 1 ? () => setSkus((list) => list.filter((s) => s.key !== sku.key)) : undefined}
              />
            ))}
            <button
              type="button"
              className="button"
              onClick={() => setSkus((list) => [...list, blankSku(list[0]?.currency)])}
            >
              {t("product.addSku")}
            </button>
          </fieldset>
        )}
        {editable ? (
          <div className="actions">
            <button type="submit" className="button primary" disabled={busy || !imageOk}>
              {product ? t("save") : t("product.create")}
            </button>
          </div>
        ) : null}
      </form>
      {product ? <SkuEditor product={product} editable={editable} kind={draft.kind} onChanged={onSaved} /> : null}
    </section>
  );
}

function SkuFields({
  kind,
  draft,
  index,
  onChange,
  onRemove,
  disabled = false,
  existing = false,
}: {
  kind: KindChoice;
  draft: SkuDraft;
  index: number;
  onChange: (draft: SkuDraft) => void;
  onRemove?: () => void;
  disabled?: boolean;
  /** A saved SKU: its code policy is fixed once codes may have been issued. */
  existing?: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const set = <K extends keyof SkuDraft>(key: K, value: SkuDraft[K]) => onChange({ ...draft, [key]: value });
  const priceOk = draft.price === "" || parseMajor(draft.price, draft.currency) !== null;
  return (
    <div className="sku-row" data-testid={`sku-row-${index}`}>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t("product.skuName")}</label>
        <input
          id={`${id}-name`}
          required
          disabled={disabled}
          value={draft.name}
          onChange={(e) => set("name", e.target.value)}
        />
      </div>
      <div className="field narrow">
        <label htmlFor={`${id}-price`}>{t("catalog.price")}</label>
        <input
          id={`${id}-price`}
          inputMode="decimal"
          required
          disabled={disabled}
          aria-invalid={!priceOk}
          value={draft.price}
          onChange={(e) => set("price", e.target.value)}
        />
      </div>
      <div className="field narrow">
        <label htmlFor={`${id}-currency`}>{t("product.currency")}</label>
        <select
          id={`${id}-currency`}
          disabled={disabled}
          value={draft.currency}
          onChange={(e) => set("currency", e.target.value)}
        >
          {CURRENCIES.map((currency) => (
            <option key={currency} value={currency}>
              {currency}
            </option>
          ))}
        </select>
      </div>
      {kind === "count_card" && !existing ? (
        <div className="field narrow">
          <label htmlFor={`${id}-uses`}>{t("product.uses")}</label>
          <input
            id={`${id}-uses`}
            type="number"
            min={2}
            max={10000}
            required
            disabled={disabled}
            value={draft.uses}
            onChange={(e) => set("uses", e.target.value)}
          />
        </div>
      ) : null}
      {!existing ? <FormTermsFields kind={kind} draft={draft} set={set} disabled={disabled} /> : null}
      {MINTED.includes(kind) ? (
        existing ? null : (
          <div className="field narrow">
            <label htmlFor={`${id}-valid`}>{t("product.validDays")}</label>
            <input
              id={`${id}-valid`}
              type="number"
              min={1}
              max={3650}
              placeholder={t("product.noExpiry")}
              disabled={disabled}
              value={draft.validDays}
              onChange={(e) => set("validDays", e.target.value)}
            />
          </div>
        )
      ) : kind === "direct_recharge" || kind === "bundle" ? null : (
        <div className="field narrow">
          <label htmlFor={`${id}-low`}>{t("product.lowStock")}</label>
          <input
            id={`${id}-low`}
            type="number"
            min={0}
            disabled={disabled}
            value={draft.lowStockThreshold}
            onChange={(e) => set("lowStockThreshold", e.target.value)}
          />
        </div>
      )}
      {onRemove ? (
        <button type="button" className="button small danger" onClick={onRemove}>
          {t("remove")}
        </button>
      ) : null}
    </div>
  );
}

function SkuEditor({
  product,
  editable,
  kind,
  onChanged,
}: {
  product: Product;
  editable: boolean;
  kind: KindChoice;
  onChanged?: (product: Product) => void;
}) {
  const { api } = useAdmin();
  const { t } = useI18n();
  const [adding, setAdding] = useState<SkuDraft | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const reload = async () => onChanged?.(await api.get<Product>(`/v1/admin/products/${product.id}`));

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!adding) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<Sku>(`/v1/admin/products/${product.id}/skus`, skuPayload(adding, kind, t));
      const threshold = thresholdOf(adding);
      if (threshold !== undefined) await api.patch(`/v1/admin/skus/${created.id}`, { lowStockThreshold: threshold });
      setAdding(null);
      await reload();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack">
      <h2>{t("catalog.skus")}</h2>
      <ErrorNotice error={error} />
      {product.skus.map((sku) => (
        <ExistingSku key={sku.id} sku={sku} kind={kind} editable={editable} onSaved={reload} />
      ))}
      {editable && !adding ? (
        <button type="button" className="button" onClick={() => setAdding(blankSku(product.skus[0]?.price.currency))}>
          {t("product.addSku")}
        </button>
      ) : null}
      {adding ? (
        <form onSubmit={add} className="stack">
          <SkuFields kind={kind} draft={adding} index={product.skus.length} onChange={setAdding} />
          <div className="actions">
            <button type="submit" className="button primary" disabled={busy}>
              {t("product.addSku")}
            </button>
            <button type="button" className="button" onClick={() => setAdding(null)}>
              {t("cancel")}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function ExistingSku({
  sku,
  kind,
  editable,
  onSaved,
}: {
  sku: Sku;
  kind: KindChoice;
  editable: boolean;
  onSaved: () => Promise<void>;
}) {
  const { api } = useAdmin();
  const { t, number, money } = useI18n();
  const [draft, setDraft] = useState<SkuDraft>(() => ({
    ...blankSku(sku.price.currency),
    key: sku.id,
    name: sku.name,
    price: formatMajor(sku.price.amount, sku.price.currency),
    currency: sku.price.currency,
    uses: String(sku.policy.uses),
    validDays: sku.policy.validDays === null ? "" : String(sku.policy.validDays),
    lowStockThreshold:
      sku.lowStockThreshold === null || sku.lowStockThreshold === undefined ? "" : String(sku.lowStockThreshold),
  }));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const amount = parseMajor(draft.price, draft.currency);
      if (amount === null) throw new Error(t("product.priceInvalid"));
      const threshold = thresholdOf(draft);
      await api.patch(`/v1/admin/skus/${sku.id}`, {
        name: draft.name.trim(),
        price: { amount, currency: draft.currency },
        ...(threshold !== undefined ? { lowStockThreshold: threshold } : {}),
      });
      setSaved(true);
      await onSaved();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sku-existing stack">
      <form onSubmit={save}>
        <p className="muted small">
          <span className="mono">{sku.id}</span>
          {" · "}
          {sku.available === null ? t("catalog.minted") : t("stock.availableN", { n: number(sku.available) })}
          {MINTED.includes(kind)
            ? ` · ${[
                ...(kind === "voucher" || kind === "count_card" ? [t("product.usesN", { n: sku.policy.uses })] : []),
                ...termsSummary(sku.policy, sku.price.currency, t, money),
              ].join(" · ")}`
            : ""}
        </p>
        <ErrorNotice error={error} />
        <SkuFields kind={kind} draft={draft} index={0} onChange={setDraft} disabled={!editable} existing />
        {editable ? (
          <div className="actions">
            <button type="submit" className="button small" disabled={busy}>
              {t("save")}
            </button>
            {saved ? (
              <span className="success-text" role="status">
                {t("saved")}
              </span>
            ) : null}
          </div>
        ) : null}
      </form>
      <SkuRenewal sku={sku} editable={editable} onSaved={onSaved} />
      {kind === "bundle" ? <BundleComposer sku={sku} editable={editable} onSaved={onSaved} /> : null}
    </div>
  );
}

/** The fields of a form's own terms, for a new SKU. */
function FormTermsFields({
  kind,
  draft,
  set,
  disabled,
}: {
  kind: KindChoice;
  draft: SkuDraft;
  set: <K extends keyof SkuDraft>(key: K, value: SkuDraft[K]) => void;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  if (kind === "count_card") {
    return (
      <div className="field narrow">
        <label htmlFor={`${id}-interval`}>{t("product.interval")}</label>
        <input
          id={`${id}-interval`}
          type="number"
          min={1}
          placeholder={t("product.noInterval")}
          disabled={disabled}
          value={draft.minIntervalMinutes}
          onChange={(e) => set("minIntervalMinutes", e.target.value)}
        />
      </div>
    );
  }
  if (kind === "stored_value") {
    return (
      <div className="field narrow">
        <label htmlFor={`${id}-balance`}>{t("product.balance")}</label>
        <input
          id={`${id}-balance`}
          inputMode="decimal"
          required
          disabled={disabled}
          value={draft.balance}
          onChange={(e) => set("balance", e.target.value)}
        />
      </div>
    );
  }
  if (kind === "licence") {
    return (
      <div className="field narrow">
        <label htmlFor={`${id}-seats`}>{t("product.seats")}</label>
        <input
          id={`${id}-seats`}
          type="number"
          min={1}
          max={1000}
          required
          disabled={disabled}
          value={draft.seats}
          onChange={(e) => set("seats", e.target.value)}
        />
      </div>
    );
  }
  if (kind !== "time_card") return null;
  const toggleDay = (day: number) =>
    set("weekdays", draft.weekdays.includes(day) ? draft.weekdays.filter((d) => d !== day) : [...draft.weekdays, day]);
  return (
    <>
      <div className="field narrow">
        <label htmlFor={`${id}-duration`}>{t("product.duration")}</label>
        <input
          id={`${id}-duration`}
          type="number"
          min={1}
          required
          disabled={disabled}
          value={draft.durationAmount}
          onChange={(e) => set("durationAmount", e.target.value)}
        />
        <select
          aria-label={t("product.durationUnit")}
          disabled={disabled}
          value={draft.durationUnit}
          onChange={(e) => set("durationUnit", e.target.value as SkuDraft["durationUnit"])}
        >
          <option value="hours">{t("product.hours")}</option>
          <option value="days">{t("product.days")}</option>
        </select>
      </div>
      <div className="field narrow">
        <label htmlFor={`${id}-start`}>{t("product.timeStart")}</label>
        <select
          id={`${id}-start`}
          disabled={disabled}
          value={draft.timeStart}
          onChange={(e) => set("timeStart", e.target.value as SkuDraft["timeStart"])}
        >
          <option value="activation">{t("product.fromActivation")}</option>
          <option value="purchase">{t("product.fromPurchase")}</option>
        </select>
      </div>
      <fieldset className="field full" disabled={disabled}>
        <legend>{t("product.weekdays")}</legend>
        <div className="weekday-row">
          {WEEKDAYS.map((day) => (
            <label key={day} className="checkbox">
              <input type="checkbox" checked={draft.weekdays.includes(day)} onChange={() => toggleDay(day)} />
              {t(`weekday.${day}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field narrow">
        <label htmlFor={`${id}-from`}>{t("product.hoursFrom")}</label>
        <input
          id={`${id}-from`}
          type="time"
          disabled={disabled}
          value={draft.hoursFrom}
          onChange={(e) => set("hoursFrom", e.target.value)}
        />
      </div>
      <div className="field narrow">
        <label htmlFor={`${id}-to`}>{t("product.hoursTo")}</label>
        <input
          id={`${id}-to`}
          type="time"
          disabled={disabled}
          value={draft.hoursTo}
          onChange={(e) => set("hoursTo", e.target.value)}
        />
      </div>
      <div className="field narrow">
        <label htmlFor={`${id}-zone`}>{t("product.timeZone")}</label>
        <input
          id={`${id}-zone`}
          required
          disabled={disabled}
          value={draft.timeZone}
          onChange={(e) => set("timeZone", e.target.value)}
        />
      </div>
    </>
  );
}
