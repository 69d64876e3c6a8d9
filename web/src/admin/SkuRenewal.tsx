// Whether a SKU sells once or as a subscription (周期购), and how often it renews.
import { type FormEvent, useId, useState } from "react";
import { ErrorNotice } from "../components/ui";
import { useI18n } from "../lib/i18n";
import type { RenewalPlan, Sku } from "../lib/types";
import { useAdmin } from "./session";

type Choice = "none" | RenewalPlan["period"];

export function SkuRenewal({ sku, editable, onSaved }: { sku: Sku; editable: boolean; onSaved: () => Promise<void> }) {
  const { api } = useAdmin();
  const { t } = useI18n();
  const id = useId();
  const [period, setPeriod] = useState<Choice>(sku.renewal?.period ?? "none");
  const [every, setEvery] = useState(String(sku.renewal?.every ?? 1));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const renewal = period === "none" ? null : { period, every: Number(every) };
      await api.put(`/v1/admin/skus/${sku.id}/renewal`, { renewal });
      setSaved(true);
      await onSaved();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={save} className="sku-row renewal-row">
      <div className="field">
        <label htmlFor={`${id}-period`}>{t("renewal.label")}</label>
        <select
          id={`${id}-period`}
          disabled={!editable}
          value={period}
          onChange={(event) => setPeriod(event.target.value as Choice)}
        >
          <option value="none">{t("renewal.none")}</option>
          <option value="day">{t("renewal.day")}</option>
          <option value="week">{t("renewal.week")}</option>
          <option value="month">{t("renewal.month")}</option>
        </select>
      </div>
      {period !== "none" ? (
        <div className="field narrow">
          <label htmlFor={`${id}-every`}>{t("renewal.every")}</label>
          <input
            id={`${id}-every`}
            type="number"
            min={1}
            max={12}
            required
            disabled={!editable}
            value={every}
            onChange={(event) => setEvery(event.target.value)}
          />
        </div>
      ) : null}
      {editable ? (
        <button type="submit" className="button small" disabled={busy}>
          {t("renewal.save")}
        </button>
      ) : null}
      {saved ? (
        <span className="success-text" role="status">
          {t("saved")}
        </span>
      ) : null}
      <ErrorNotice error={error} />
    </form>
  );
}
