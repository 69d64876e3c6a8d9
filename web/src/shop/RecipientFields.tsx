// The account a direct top-up (直充) credits, asked for as the product's template says.
import { useId } from "react";
import { useI18n } from "../lib/i18n";
import type { RechargeTemplate } from "../lib/types";

const FIELDS: Record<RechargeTemplate["template"], { name: string; type: string; pattern?: string }[]> = {
  mobile_cn: [{ name: "phone", type: "tel", pattern: "1[0-9]{10}" }],
  game_account: [{ name: "gameId", type: "text" }],
  qq: [{ name: "qq", type: "text", pattern: "[1-9][0-9]{4,11}" }],
  email: [{ name: "email", type: "email" }],
};

export function emptyRecipient(template: RechargeTemplate): Record<string, string> {
  const recipient: Record<string, string> = {};
  for (const field of FIELDS[template.template]) recipient[field.name] = "";
  if (template.template === "game_account") recipient.region = template.regions[0] ?? "";
  return recipient;
}

export function recipientComplete(template: RechargeTemplate, recipient: Record<string, string>): boolean {
  return FIELDS[template.template].every((field) => {
    const value = recipient[field.name]?.trim() ?? "";
    return value !== "" && (!field.pattern || new RegExp(`^${field.pattern}$`).test(value));
  });
}

export function RecipientFields({
  template,
  value,
  onChange,
}: {
  template: RechargeTemplate;
  value: Record<string, string>;
  onChange: (value: Record<string, string>) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <fieldset className="stack">
      <legend>{t(`recipient.${template.template}`)}</legend>
      {FIELDS[template.template].map((field) => (
        <div key={field.name} className="field">
          <label htmlFor={`${id}-${field.name}`}>{t(`recipient.${field.name}` as "recipient.phone")}</label>
          <input
            id={`${id}-${field.name}`}
            type={field.type}
            inputMode={field.type === "tel" || field.name === "qq" ? "numeric" : undefined}
            pattern={field.pattern}
            required
            value={value[field.name] ?? ""}
            onChange={(event) => onChange({ ...value, [field.name]: event.target.value })}
          />
        </div>
      ))}
      {template.template === "game_account" ? (
        <div className="field">
          <label htmlFor={`${id}-region`}>{t("recipient.region")}</label>
          <select
            id={`${id}-region`}
            value={value.region ?? ""}
            onChange={(event) => onChange({ ...value, region: event.target.value })}
          >
            {template.regions.map((region) => (
              <option key={region} value={region}>
                {region}
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </fieldset>
  );
}
