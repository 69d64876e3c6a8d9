import { type FormEvent, useEffect, useId, useState } from "react";
import { ErrorNotice, Loading, Notice } from "../components/ui";
import { useLoad } from "../lib/hooks";
import { useI18n } from "../lib/i18n";
import type { MessageKey } from "../lib/messages";
import type { RiskSettings } from "./risk-types";
import { useAdmin } from "./session";

/** Thresholds and each rule's switch, weight and limit; the redemption rules' main numbers. */
export function RiskSettingsForm() {
  const { api, can } = useAdmin();
  const { t } = useI18n();
  const id = useId();
  const loaded = useLoad(
    (signal) => api.get<{ settings: RiskSettings; updatedAt: string | null }>("/v1/admin/risk/settings", { signal }),
    [api],
  );
  const [draft, setDraft] = useState<RiskSettings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (loaded.data) setDraft(structuredClone(loaded.data.settings));
  }, [loaded.data]);
  if (!draft) return loaded.error ? <ErrorNotice error={loaded.error} /> : <Loading />;
  const editable = can("risk.manage");

  const number = (value: string) => Math.max(0, Math.trunc(Number(value) || 0));
  const set = (change: (next: RiskSettings) => void) => {
    const next = structuredClone(draft);
    change(next);
    setDraft(next);
    setSaved(false);
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.put("/v1/admin/risk/settings", draft);
      setSaved(true);
      loaded.reload();
    } catch (reason) {
      setError(reason);
    }
  };
  const field = (key: "scoreFrom" | "reviewAt" | "blockAt" | "windowHours", label: MessageKey) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{t(label)}</label>
      <input
        id={`${id}-${key}`}
        type="number"
        min={0}
        disabled={!editable}
        value={draft[key]}
        onChange={(e) => set((next) => (next[key] = number(e.target.value)))}
      />
    </div>
  );

  return (
    <form onSubmit={save}>
      <ErrorNotice error={error} />
      {saved ? <Notice tone="success" title={t("risk.settings.saved")} /> : null}
      <div className="card filters">
        {field("scoreFrom", "risk.settings.scoreFrom")}
        {field("reviewAt", "risk.settings.reviewAt")}
        {field("blockAt", "risk.settings.blockAt")}
        {field("windowHours", "risk.settings.windowHours")}
      </div>
      <table>
        <thead>
          <tr>
            <th>{t("risk.settings.rule")}</th>
            <th>{t("risk.settings.enabled")}</th>
            <th>{t("risk.settings.weight")}</th>
            <th>{t("risk.limit")}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(draft.rules).map(([rule, setting]) => (
            <tr key={rule}>
              <td>{t(`risk.rule.${rule}` as MessageKey)}</td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${t(`risk.rule.${rule}` as MessageKey)} ${t("risk.settings.enabled")}`}
                  disabled={!editable}
                  checked={setting.enabled}
                  onChange={(e) =>
                    set((next) => {
                      const own = next.rules[rule];
                      if (own) own.enabled = e.target.checked;
                    })
                  }
                />
              </td>
              {(["weight", "limit"] as const).map((key) => (
                <td key={key}>
                  <input
                    type="number"
                    min={0}
                    aria-label={`${t(`risk.rule.${rule}` as MessageKey)} ${key}`}
                    disabled={!editable}
                    value={setting[key]}
                    onChange={(e) =>
                      set((next) => {
                        const own = next.rules[rule];
                        if (own) own[key] = number(e.target.value);
                      })
                    }
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("risk.settings.redemption")}</h2>
      <div className="card filters">
        <label>
          <input
            type="checkbox"
            disabled={!editable}
            checked={draft.redemption.enabled}
            onChange={(e) => set((next) => (next.redemption.enabled = e.target.checked))}
          />{" "}
          {t("risk.settings.enabled")}
        </label>
        {(
          [
            ["travelKmh", "risk.settings.travelKmh"],
            ["burstLimit", "risk.settings.burstLimit"],
            ["burstWindowMinutes", "risk.settings.burstWindowMinutes"],
          ] as const
        ).map(([key, label]) => (
          <div className="field" key={key}>
            <label htmlFor={`${id}-${key}`}>{t(label)}</label>
            <input
              id={`${id}-${key}`}
              type="number"
              min={1}
              disabled={!editable}
              value={draft.redemption[key]}
              onChange={(e) => set((next) => (next.redemption[key] = Math.max(1, number(e.target.value))))}
            />
          </div>
        ))}
      </div>
      <p className="muted small">{t("risk.settings.locationsHint")}</p>
      {editable ? (
        <button type="submit" className="button primary">
          {t("risk.settings.save")}
        </button>
      ) : null}
    </form>
  );
}
