import { type FormEvent, useId, useRef, useState } from "react";
import { EmptyState, ErrorNotice, Loading, Notice } from "../components/ui";
import type { Page } from "../lib/api";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { ImportReport, Product, StockLevel } from "../lib/types";
import { AccountSeatsTable } from "./AccountSeats";
import { useAdmin } from "./session";
import { parseStockFile, type UploadProgress, uploadStock } from "./stock-upload";

export function StockPage() {
  const { api, can } = useAdmin();
  const { t, number } = useI18n();
  const levels = useLoad((signal) => api.get<{ data: StockLevel[] }>("/v1/admin/stock", { signal }), [api]);
  const products = useLoad((signal) => api.get<Page<Product>>("/v1/admin/products?limit=100", { signal }), [api]);
  const [skuId, setSkuId] = useState("");
  const [seatsOf, setSeatsOf] = useState<{ skuId: string; label: string } | null>(null);
  const uploadRef = useRef<HTMLElement>(null);

  const cardSkus =
    products.data?.data
      .filter((product) => product.kind === "card_secret" || product.kind === "shared_account")
      .flatMap((product) => product.skus.map((sku) => ({ id: sku.id, label: `${product.name} · ${sku.name}` }))) ?? [];

  return (
    <section>
      <h1>{t("stock.title")}</h1>
      <ErrorNotice error={levels.error} />
      {levels.loading && !levels.data ? <Loading /> : null}
      {levels.data ? (
        levels.data.data.length === 0 ? (
          <EmptyState>{t("stock.empty")}</EmptyState>
        ) : (
          <div className="table-wrap">
            <table data-testid="stock-levels">
              <thead>
                <tr>
                  <th scope="col">{t("stock.product")}</th>
                  <th scope="col">{t("stock.available")}</th>
                  <th scope="col">{t("stock.reserved")}</th>
                  <th scope="col">{t("stock.sold")}</th>
                  <th scope="col">{t("stock.threshold")}</th>
                  {can("catalog.write") ? <th scope="col">{t("actions")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {levels.data.data.map((level) => (
                  <tr key={level.skuId} className={level.low ? "row-warning" : undefined} data-sku={level.skuId}>
                    <td>
                      {level.productName} · {level.skuName}
                      {level.low ? <span className="badge badge-warning">{t("stock.low")}</span> : null}
                      {level.kind === "shared_account" ? " " : null}
                      {level.kind === "shared_account" ? (
                        <button
                          type="button"
                          className="button small"
                          aria-expanded={seatsOf?.skuId === level.skuId}
                          onClick={() =>
                            setSeatsOf(
                              seatsOf?.skuId === level.skuId
                                ? null
                                : { skuId: level.skuId, label: `${level.productName} · ${level.skuName}` },
                            )
                          }
                        >
                          {t("stock.seats")}
                        </button>
                      ) : null}
                    </td>
                    <td className="num" data-testid="available">
                      {number(level.available)}
                      {level.kind === "shared_account" ? (
                        <span className="muted small"> {t("stock.inSeats")}</span>
                      ) : null}
                    </td>
                    <td className="num">{number(level.reserved)}</td>
                    <td className="num">{number(level.sold)}</td>
                    <td className="num">{level.lowStockThreshold === null ? "—" : number(level.lowStockThreshold)}</td>
                    {can("catalog.write") ? (
                      <td>
                        <button
                          type="button"
                          className="button small"
                          onClick={() => {
                            setSkuId(level.skuId);
                            uploadRef.current?.scrollIntoView({ behavior: "smooth" });
                          }}
                        >
                          {t("stock.uploadFor")}
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      {seatsOf ? <AccountSeatsTable skuId={seatsOf.skuId} label={seatsOf.label} /> : null}
      {can("catalog.write") ? (
        <section ref={uploadRef} className="card">
          <h2>{t("stock.upload")}</h2>
          <ErrorNotice error={products.error} />
          <UploadForm skus={cardSkus} skuId={skuId} setSkuId={setSkuId} onDone={levels.reload} />
        </section>
      ) : null}
    </section>
  );
}

function UploadForm({
  skus,
  skuId,
  setSkuId,
  onDone,
}: {
  skus: { id: string; label: string }[];
  skuId: string;
  setSkuId: (id: string) => void;
  onDone: () => void;
}) {
  const { api } = useAdmin();
  const { t, number } = useI18n();
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [emptyFile, setEmptyFile] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const selected = skuId || skus[0]?.id || "";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file || !selected) return;
    setBusy(true);
    setError(null);
    setReport(null);
    setProgress(null);
    setEmptyFile(false);
    const controller = new AbortController();
    abort.current = controller;
    try {
      const parsed = await parseStockFile(file);
      if (parsed.lines.length === 0) {
        setEmptyFile(true);
        return;
      }
      const result = await uploadStock(
        parsed.lines,
        (body, idempotencyKey, signal) =>
          api.send<ImportReport>("POST", `/v1/admin/skus/${selected}/stock`, { json: body, idempotencyKey, signal }),
        setProgress,
        controller.signal,
      );
      setReport(result);
      onDone();
    } catch (reason) {
      if (!(reason instanceof DOMException && reason.name === "AbortError")) setError(reason);
      onDone();
    } finally {
      setBusy(false);
      abort.current = null;
    }
  };

  const shown = report ?? progress?.report ?? null;
  return (
    <form onSubmit={submit} className="stack">
      <p className="hint">{t("stock.uploadHint")}</p>
      <p className="hint">{t("stock.sharedHint")}</p>
      <div className="field">
        <label htmlFor={`${id}-sku`}>{t("stock.sku")}</label>
        <select id={`${id}-sku`} value={selected} onChange={(event) => setSkuId(event.target.value)} disabled={busy}>
          {skus.length === 0 ? <option value="">{t("stock.noCardSkus")}</option> : null}
          {skus.map((sku) => (
            <option key={sku.id} value={sku.id}>
              {sku.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-file`}>{t("stock.file")}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".csv,.txt,text/csv,text/plain"
          disabled={busy}
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
      </div>
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy || !file || !selected}>
          {busy ? t("stock.uploading") : t("stock.uploadButton")}
        </button>
        {busy ? (
          <button type="button" className="button" onClick={() => abort.current?.abort()}>
            {t("cancel")}
          </button>
        ) : null}
      </div>
      {emptyFile ? <Notice tone="warning">{t("stock.emptyFile")}</Notice> : null}
      {progress ? (
        <div className="progress-block">
          <label htmlFor={`${id}-progress`}>
            {t("stock.progress", {
              sent: number(progress.sentLines),
              total: number(progress.totalLines),
              chunk: progress.chunk,
              chunks: progress.chunks,
            })}
          </label>
          <progress id={`${id}-progress`} max={progress.totalLines} value={progress.sentLines} />
        </div>
      ) : null}
      <ErrorNotice error={error} title={t("stock.uploadFailed")} />
      {shown ? (
        <div
          className={report ? "report done" : "report"}
          data-testid="import-report"
          role={report ? "status" : undefined}
        >
          {report ? <p className="notice-title">{t("stock.reportDone")}</p> : null}
          <dl className="report-grid">
            <div>
              <dt>{t("stock.imported")}</dt>
              <dd data-testid="imported">{number(shown.imported)}</dd>
            </div>
            <div>
              <dt>{t("stock.duplicates")}</dt>
              <dd data-testid="duplicates">{number(shown.duplicates)}</dd>
            </div>
            <div>
              <dt>{t("stock.rejected")}</dt>
              <dd data-testid="rejected">{number(shown.rejected)}</dd>
            </div>
          </dl>
          {shown.errors.length > 0 ? (
            <details open={shown.errors.length <= 20}>
              <summary>
                {t("stock.rejectedLines", {
                  shown: number(Math.min(shown.errors.length, 500)),
                  total: number(shown.rejected),
                })}
              </summary>
              <ul className="rejected-list">
                {shown.errors.slice(0, 500).map((entry) => (
                  <li key={`${entry.line}-${entry.message}`}>
                    {t("stock.lineN", { n: entry.line })}: {entry.message}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
