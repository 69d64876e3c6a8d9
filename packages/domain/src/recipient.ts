/**
 * Direct top-ups (直充) credit an account rather than deliver a code: the buyer names the
 * recipient at checkout, in the shape the product's template asks for. Validation and
 * normalization happen here, once, so the supplier receives a clean account and the order
 * keeps a masked copy to show.
 */

export const RECHARGE_TEMPLATES = ["mobile_cn", "game_account", "qq", "email"] as const;
export type RechargeTemplateName = (typeof RECHARGE_TEMPLATES)[number];

export type RechargeTemplate =
  | { template: "mobile_cn" }
  | { template: "game_account"; regions: string[] }
  | { template: "qq" }
  | { template: "email" };

/** The fields each template asks for, in the order a form shows them. */
export const TEMPLATE_FIELDS: Record<RechargeTemplateName, string[]> = {
  mobile_cn: ["phone"],
  game_account: ["gameId", "region"],
  qq: ["qq"],
  email: ["email"],
};

export type RecipientCheck =
  | { ok: true; account: Record<string, string>; masked: string }
  | { ok: false; errors: { field: string; message: string }[] };

const maskMiddle = (value: string, keepStart: number, keepEnd: number) =>
  value.length <= keepStart + keepEnd
    ? "*".repeat(value.length)
    : `${value.slice(0, keepStart)}${"*".repeat(Math.max(3, value.length - keepStart - keepEnd))}${value.slice(value.length - keepEnd)}`;

function text(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  return typeof value === "string" ? value.normalize("NFKC").trim() : "";
}

/** Checks `input` against the template and returns the normalized account and its masked form. */
export function checkRecipient(template: RechargeTemplate, input: Record<string, unknown>): RecipientCheck {
  const errors: { field: string; message: string }[] = [];
  const unknown = Object.keys(input).filter((field) => !TEMPLATE_FIELDS[template.template].includes(field));
  for (const field of unknown) errors.push({ field, message: "not a field of this product's recipient" });

  switch (template.template) {
    case "mobile_cn": {
      // Full-width digits, spaces, dashes and a +86 / 0086 prefix are what people type.
      const phone = text(input, "phone")
        .replace(/[\s-]/g, "")
        .replace(/^(\+86|0086)/, "");
      if (!/^1[3-9]\d{9}$/.test(phone)) errors.push({ field: "phone", message: "a mainland China mobile number" });
      return errors.length > 0
        ? { ok: false, errors }
        : { ok: true, account: { phone }, masked: maskMiddle(phone, 3, 4) };
    }
    case "game_account": {
      const gameId = text(input, "gameId");
      const region = text(input, "region");
      if (!/^[A-Za-z0-9_.-]{4,32}$/.test(gameId)) {
        errors.push({ field: "gameId", message: "4–32 letters, digits, dots, dashes or underscores" });
      }
      if (!template.regions.includes(region)) {
        errors.push({ field: "region", message: `one of ${template.regions.join(", ")}` });
      }
      return errors.length > 0
        ? { ok: false, errors }
        : { ok: true, account: { gameId, region }, masked: `${maskMiddle(gameId, 2, 2)} (${region})` };
    }
    case "qq": {
      const qq = text(input, "qq");
      if (!/^[1-9]\d{4,11}$/.test(qq)) errors.push({ field: "qq", message: "a QQ number of 5–12 digits" });
      return errors.length > 0 ? { ok: false, errors } : { ok: true, account: { qq }, masked: maskMiddle(qq, 2, 2) };
    }
    case "email": {
      const email = text(input, "email").toLowerCase();
      const at = email.indexOf("@");
      if (!/^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/.test(email) || email.length > 254) {
        errors.push({ field: "email", message: "an email address" });
      }
      return errors.length > 0
        ? { ok: false, errors }
        : { ok: true, account: { email }, masked: `${maskMiddle(email.slice(0, at), 1, 1)}${email.slice(at)}` };
    }
  }
}
