import { type FormEvent, useId, useRef, useState } from "react";
import { EmptyState, ErrorNotice, Loading, Notice } from "../components/ui";
import { newIdempotencyKey, type Page } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import { parseMajor } from "../lib/money";
import type { FlashSale, Product, SaleStatus } from "../lib/types";
import { useAdmin } from "./session";

const STATUS_TONE: Record<SaleStatus, string> = {
  scheduled: "badge-info",
  open: "badge-success",
  ended: "badge-muted",
  cancelled: "badge-muted",
};

/** `2026-11-11T00:00` in the browser's time zone, for a datetime-local field. */
function localInput(ms: number): string {
  const at = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return at.toISOString().slice(0, 16);
}

interface SaleSku {
  id: string;
  label: string;
  currency: string;
}

export function FlashSalesPage() {
  const { api, can } = useAdmin();
  const { t } = useI18n();
  const sales = useLoad((signal) => api.get<Page<FlashSale>>("/v1/admin/flash-sales?limit=100", { signal }), [api]);
  const products = useLoad((signal) => api.get<Page<Product>>("/v1/admin/products?limit=100", { signal }), [api]);
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const skus: SaleSku[] =
    products.data?.data
      .filter((product) => product.kind === "card_secret" || product.kind === "voucher")
      .flatMap((product) =>
        product.skus.map((sku) => ({
          id: sku.id,
          label: `${product.name} · ${sku.name}`,
          currency: sku.price.currency,
        })),
      ) ?? [];
  const labelOf = (skuId: string) => skus.find((sku) => sku.id === skuId)?.label ?? skuId;

  return (
    <section>
      <h1>{t("sales.title")}</h1>
      {notice ? (
        <Notice tone="success" live>
          {t(notice)}
        </Notice>
      ) : null}
      {can("catalog.write") ? (
        <section className="card">
          <h2>{t("sales.new")}</h2>
          <p className="hint">{t("sales.kindHint")}</p>
          <ErrorNotice error={products.error} />
          <SaleForm
            skus={skus}
            onCreated={() => {
              setNotice("sales.created");
              sales.reload();
            }}
          />
        </section>
      ) : null}
      <ErrorNotice error={sales.error} />
      {sales.loading && !sales.data ? <Loading /> : null}
      {sales.data && sales.data.data.length === 0 ? <EmptyState>{t("sales.empty")}</EmptyState> : null}
      {sales.data && sales.data.data.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="flash-sales">
            <thead>
              <tr>
                <th scope="col">{t("sales.name")}</th>
                <th scope="col">{t("sales.status")}</th>
                <th scope="col">{t("sales.price")}</th>
                <th scope="col">{t("sales.window")}</th>
                <th scope="col">{t("sales.quota")}</th>
                <th scope="col">{t("sales.remaining")}</th>
                <th scope="col">{t("sales.reserved")}</th>
                <th scope="col">{t("sales.sold")}</th>
                <th scope="col">{t("actions")}</th>
              </tr>
            </thead>
            <tbody>
              {sales.data.data.map((sale) => (
                <SaleRow
                  key={sale.id}
                  sale={sale}
                  skuLabel={labelOf(sale.skuId)}
                  onCancelled={() => {
                    setNotice("sales.cancelledNotice");
                    sales.reload();
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function SaleRow({ sale, skuLabel, onCancelled }: { sale: FlashSale; skuLabel: string; onCancelled: () => void }) {
  const { api, can } = useAdmin();
  const { t, money, number, dateTime } = useI18n();
  const [detail, setDetail] = useState<FlashSale | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  const toggle = () =>
    detail ? setDetail(null) : run(async () => setDetail(await api.get<FlashSale>(`/v1/admin/flash-sales/${sale.id}`)));
  const cancel = () => {
    if (!window.confirm(t("sales.cancelConfirm"))) return;
    void run(async () => {
      await api.post(`/v1/admin/flash-sales/${sale.id}/cancel`, undefined, { idempotencyKey: newIdempotencyKey() });
      onCancelled();
    });
  };
  const live = sale.status === "scheduled" || sale.status === "open";

  return (
    <>
      <tr data-sale={sale.id}>
        <td>
          {sale.name}
          <span className="muted small block">{skuLabel}</span>
        </td>
        <td>
          <span className={`badge ${STATUS_TONE[sale.status]}`} data-testid="sale-status">
            {t(`sales.status.${sale.status}` as MessageKey)}
          </span>
        </td>
        <td className="num">{money(sale.price)}</td>
        <td className="small">
          {dateTime(sale.startsAt)} – {dateTime(sale.endsAt)}
        </td>
        <td className="num">{number(sale.quota)}</td>
        <td className="num" data-testid="sale-remaining">
          {number(sale.remaining)}
        </td>
        <td className="num">{number(sale.reserved)}</td>
        <td className="num" data-testid="sale-sold">
          {number(sale.sold)}
        </td>
        <td>
          <div className="actions">
            <button type="button" className="button small" disabled={busy} onClick={() => void toggle()}>
              {t("sales.details")}
            </button>
            {live && can("catalog.write") ? (
              <button type="button" className="button small danger" disabled={busy} onClick={cancel}>
                {t("sales.cancel")}
              </button>
            ) : null}
          </div>
        </td>
      </tr>
      {error ? (
        <tr>
          <td colSpan={9}>
            <ErrorNotice error={error} />
          </td>
        </tr>
      ) : null}
      {detail?.shardLevels ? (
        <tr>
          <td colSpan={9}>
            <table data-testid="shard-levels">
              <thead>
                <tr>
                  <th scope="col">{t("sales.shards")}</th>
                  <th scope="col">{t("stock.available")}</th>
                  <th scope="col">{t("sales.reserved")}</th>
                  <th scope="col">{t("sales.sold")}</th>
                </tr>
              </thead>
              <tbody>
                {detail.shardLevels.map((level) => (
                  <tr key={level.shard}>
                    <td>{t("sales.shard", { n: level.shard })}</td>
                    <td className="num">{number(level.available)}</td>
                    <td className="num">{number(level.reserved)}</td>
                    <td className="num">{number(level.sold)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </td>
        </tr>
      ) : null}
    </>
  );
}

function SaleForm({ skus, onCreated }: { skus: SaleSku[]; onCreated: () => void }) {
  const { api } = useAdmin();
  const { t } = useI18n();
  const id = useId();
  const [skuId, setSkuId] = useState("");
  const [name, setName] = useState("");
  const [price, setPrice] = useState("");
  const [quota, setQuota] = useState("100");
  const [limit, setLimit] = useState("1");
  const [shards, setShards] = useState("4");
  const [startsAt, setStartsAt] = useState(() => localInput(Date.now() + 3_600_000));
  const [endsAt, setEndsAt] = useState(() => localInput(Date.now() + 2 * 3_600_000));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());
  const sku = skus.find((candidate) => candidate.id === skuId) ?? skus[0];
  const amount = sku ? parseMajor(price, sku.currency) : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!sku || amount === null) return;
    setBusy(true);
    setError(null);
    try {
      await api.post<FlashSale>(
        "/v1/admin/flash-sales",
        {
          skuId: sku.id,
          ...(name.trim() ? { name: name.trim() } : {}),
          price: { amount, currency: sku.currency },
          quota: Number(quota),
          perCustomerLimit: Number(limit),
          shards: Number(shards),
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(endsAt).toISOString(),
        },
        { idempotencyKey: key.current },
      );
      key.current = newIdempotencyKey();
      setName("");
      onCreated();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="stack" data-testid="sale-form">
      <div className="field">
        <label htmlFor={`${id}-sku`}>{t("sales.sku")}</label>
        <select id={`${id}-sku`} value={sku?.id ?? ""} onChange={(event) => setSkuId(event.target.value)}>
          {skus.length === 0 ? <option value="">{t("sales.noSkus")}</option> : null}
          {skus.map((option) => (
            <option key={option.id} value={option.id}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t("sales.name")}</label>
        <input
          id={`${id}-name`}
          maxLength={200}
          placeholder={t("sales.namePlaceholder")}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <div className="inline-form">
        <div className="field">
          <label htmlFor={`${id}-price`}>
            {t("sales.price")} ({sku?.currency ?? ""})
          </label>
          <input
            id={`${id}-price`}
            required
            inputMode="decimal"
            value={price}
            onChange={(event) => setPrice(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-quota`}>{t("sales.quota")}</label>
          <input
            id={`${id}-quota`}
            type="number"
            required
            min={1}
            max={100_000}
            value={quota}
            onChange={(event) => setQuota(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-limit`}>{t("sales.limit")}</label>
          <input
            id={`${id}-limit`}
            type="number"
            required
            min={1}
            max={100}
            value={limit}
            onChange={(event) => setLimit(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-shards`}>{t("sales.shards")}</label>
          <input
            id={`${id}-shards`}
            type="number"
            required
            min={1}
            max={16}
            value={shards}
            aria-describedby={`${id}-shards-hint`}
            onChange={(event) => setShards(event.target.value)}
          />
        </div>
      </div>
      <p className="hint" id={`${id}-shards-hint`}>
        {t("sales.shardsHint")}
      </p>
      <div className="inline-form">
        <div className="field">
          <label htmlFor={`${id}-starts`}>{t("sales.startsAt")}</label>
          <input
            id={`${id}-starts`}
            type="datetime-local"
            step={1}
            required
            value={startsAt}
            onChange={(event) => setStartsAt(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-ends`}>{t("sales.endsAt")}</label>
          <input
            id={`${id}-ends`}
            type="datetime-local"
            step={1}
            required
            value={endsAt}
            onChange={(event) => setEndsAt(event.target.value)}
          />
        </div>
      </div>
      <ErrorNotice error={error} />
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy || !sku || amount === null}>
          {t("sales.create")}
        </button>
      </div>
    </form>
  );
}
