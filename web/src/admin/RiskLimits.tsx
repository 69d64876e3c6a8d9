// 限制 / Limits: the synchronous risk limits of checkout and of partner look-ups (issue #4).
import { type FormEvent, useEffect, useId, useState } from "react";
import { ErrorNotice, Loading } from "../components/ui";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import type { RiskLimits, RiskLimitsView } from "../lib/types";
import { useAdmin } from "./session";

/** Where a number lives in the document, and its label. */
type Field = { path: string[]; label: MessageKey; max: number };

const per = (base: string[], max: number, prefix = "per"): Field[] => [
  { path: [...base, `${prefix}Customer`], label: "limits.perCustomer", max },
  { path: [...base, `${prefix}Ip`], label: "limits.perIp", max: max * 100 },
  { path: [...base, `${prefix}Device`], label: "limits.perDevice", max },
];

const GROUPS: { title: MessageKey; hint: MessageKey; fields: Field[] }[] = [
  { title: "limits.attempts", hint: "limits.attemptsHint", fields: per(["checkout", "attemptsPerMinute"], 10_000) },
  { title: "limits.unpaid", hint: "limits.unpaidHint", fields: per(["checkout", "unpaidOrders"], 1000) },
  {
    title: "limits.purchases",
    hint: "limits.purchasesHint",
    fields: [
      { path: ["checkout", "purchaseWindowMinutes"], label: "limits.windowMinutes", max: 43_200 },
      ...per(["checkout", "purchases"], 100_000),
    ],
  },
  {
    title: "limits.failures",
    hint: "limits.failuresHint",
    fields: [
      ...per(["checkout", "paymentFailures"], 1000),
      { path: ["checkout", "paymentFailures", "perCard"], label: "limits.perCard", max: 1000 },
      { path: ["checkout", "paymentFailures", "windowMinutes"], label: "limits.windowMinutes", max: 10_080 },
      { path: ["checkout", "paymentFailures", "cooldownMinutes"], label: "limits.cooldownMinutes", max: 10_080 },
    ],
  },
  {
    title: "limits.lookups",
    hint: "limits.lookupsHint",
    fields: [
      { path: ["lookups", "failuresPerPartnerKey"], label: "limits.perPartnerKey", max: 1_000_000 },
      { path: ["lookups", "failuresPerIp"], label: "limits.perIp", max: 1_000_000 },
      { path: ["lookups", "windowMinutes"], label: "limits.windowMinutes", max: 1440 },
      { path: ["lookups", "lockoutMinutes"], label: "limits.lockoutMinutes", max: 1440 },
      { path: ["lookups", "requestsPerMinutePerPartnerKey"], label: "limits.requestsPerMinute", max: 1_000_000 },
    ],
  },
];

type Tree = { [key: string]: Tree | number };

function read(limits: RiskLimits, path: string[]): number {
  let node: Tree | number = limits as unknown as Tree;
  for (const key of path) node = (node as Tree)[key] as Tree | number;
  return node as number;
}

function write(limits: RiskLimits, path: string[], value: number): RiskLimits {
  const copy = structuredClone(limits) as unknown as Tree;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Tree;
  node[path[path.length - 1] as string] = value;
  return copy as unknown as RiskLimits;
}

export function RiskLimitsPage() {
  const { api } = useAdmin();
  const { t, dateTime } = useI18n();
  const id = useId();
  const loaded = useLoad((signal) => api.get<RiskLimitsView>("/v1/admin/risk/limits", { signal }), [api]);
  const [limits, setLimits] = useState<RiskLimits | null>(null);
  const [updatedAt, setUpdatedAt] = useState<string | null>(null);
  const [newSku, setNewSku] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (loaded.data) {
      setLimits(loaded.data.limits);
      setUpdatedAt(loaded.data.updatedAt);
    }
  }, [loaded.data]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!limits) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const view = await api.put<RiskLimitsView>("/v1/admin/risk/limits", limits);
      setLimits(view.limits);
      setUpdatedAt(view.updatedAt);
      setSaved(true);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const change = (path: string[], value: string) => limits && setLimits(write(limits, path, Number(value)));
  const skus = limits ? Object.keys(limits.checkout.skuPurchases) : [];

  return (
    <section>
      <h1>{t("limits.title")}</h1>
      <p className="muted">{t("limits.intro")}</p>
      <ErrorNotice error={loaded.error} />
      {loaded.loading && !limits ? <Loading /> : null}
      {limits ? (
        <form onSubmit={save} className="stack" data-testid="risk-limits">
          <p className="small muted">
            {updatedAt ? t("limits.updatedAt", { when: dateTime(updatedAt) }) : t("limits.usingDefaults")}
          </p>
          {GROUPS.map((group) => (
            <fieldset key={group.title} className="stack">
              <legend>{t(group.title)}</legend>
              <p className="small muted">{t(group.hint)}</p>
              <div className="sku-row">
                {group.fields.map((field) => {
                  const fieldId = `${id}-${field.path.join("-")}`;
                  return (
                    <div className="field narrow" key={fieldId}>
                      <label htmlFor={fieldId}>{t(field.label)}</label>
                      <input
                        id={fieldId}
                        type="number"
                        min={1}
                        max={field.max}
                        step={1}
                        required
                        value={read(limits, field.path)}
                        onChange={(event) => change(field.path, event.target.value)}
                      />
                    </div>
                  );
                })}
              </div>
            </fieldset>
          ))}
          <fieldset className="stack">
            <legend>{t("limits.skus")}</legend>
            <p className="small muted">{t("limits.skusHint")}</p>
            {skus.map((skuId) => (
              <div className="sku-row" key={skuId}>
                <span className="mono">{skuId}</span>
                {per(["checkout", "skuPurchases", skuId], 100_000).map((field) => {
                  const fieldId = `${id}-${field.path.join("-")}`;
                  return (
                    <div className="field narrow" key={fieldId}>
                      <label htmlFor={fieldId}>{t(field.label)}</label>
                      <input
                        id={fieldId}
                        type="number"
                        min={1}
                        max={field.max}
                        required
                        value={read(limits, field.path)}
                        onChange={(event) => change(field.path, event.target.value)}
                      />
                    </div>
                  );
                })}
                <button
                  type="button"
                  className="button small secondary"
                  onClick={() => {
                    const next = structuredClone(limits);
                    delete next.checkout.skuPurchases[skuId];
                    setLimits(next);
                  }}
                >
                  {t("remove")}
                </button>
              </div>
            ))}
            <div className="sku-row">
              <div className="field">
                <label htmlFor={`${id}-new-sku`}>{t("limits.skuId")}</label>
                <input
                  id={`${id}-new-sku`}
                  value={newSku}
                  placeholder="sku_…"
                  onChange={(event) => setNewSku(event.target.value.trim())}
                />
              </div>
              <button
                type="button"
                className="button small secondary"
                disabled={newSku === "" || skus.includes(newSku)}
                onClick={() => {
                  const next = structuredClone(limits);
                  next.checkout.skuPurchases[newSku] = { ...limits.checkout.purchases };
                  setLimits(next);
                  setNewSku("");
                }}
              >
                {t("limits.addSku")}
              </button>
            </div>
          </fieldset>
          <div className="sku-row">
            <button type="submit" className="button" disabled={busy}>
              {t("save")}
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={() => loaded.data && setLimits(loaded.data.defaults)}
            >
              {t("limits.resetDefaults")}
            </button>
            {saved ? (
              <span className="success-text" role="status">
                {t("saved")}
              </span>
            ) : null}
          </div>
          <ErrorNotice error={error} />
        </form>
      ) : null}
    </section>
  );
}
