/**
 * Every form of virtual good a merchant can sell. The kind decides how a paid line is
 * delivered: card secrets, loop stock and top-ups come from stock or suppliers; vouchers
 * (single-use and count cards), stored value, time cards and licences are minted and armed in
 * their own CodeLedger; a bundle delivers the items of its component SKUs.
 */
export const PRODUCT_KINDS = [
  "card_secret",
  "voucher",
  "stored_value",
  "time_card",
  "licence",
  "shared_account",
  "bundle",
  "direct_recharge",
] as const;

export type ProductKind = (typeof PRODUCT_KINDS)[number];
