import { CROCKFORD, encodeBase32, randomBytes } from "./base32";

/**
 * Voucher codes: 19 random Crockford symbols (95 bits) and one Luhn mod 32 check symbol,
 * shown in five groups of four (`7K3M-Q9XD-4TPA-WN2B-ER5C`). The check symbol catches every
 * single mistyped symbol and most swapped neighbours before a code ever reaches a ledger.
 */
export const CODE_DATA_SYMBOLS = 19;
export const CODE_LENGTH = CODE_DATA_SYMBOLS + 1;
const GROUP = 4;

function luhnCheckSymbol(data: string): string {
  let factor = 2;
  let total = 0;
  for (let i = data.length - 1; i >= 0; i--) {
    let addend = factor * CROCKFORD.indexOf(data.charAt(i));
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / 32) + (addend % 32);
    total += addend;
  }
  return CROCKFORD.charAt((32 - (total % 32)) % 32);
}

/** Mints a new voucher code in its grouped display form. */
export function generateVoucherCode(): string {
  const data = encodeBase32(randomBytes(12)).slice(0, CODE_DATA_SYMBOLS);
  return formatCode(data + luhnCheckSymbol(data));
}

/** Groups a normalized code for display: `XXXX-XXXX-XXXX-XXXX-XXXX`. */
export function formatCode(normalized: string): string {
  const groups: string[] = [];
  for (let i = 0; i < normalized.length; i += GROUP) groups.push(normalized.slice(i, i + GROUP));
  return groups.join("-");
}

/** Letters from other scripts that people (and attackers) type in place of Latin ones. */
// biome-ignore format: one row per script reads better than one letter per line
const LOOK_ALIKES: Record<string, string> = {
  А: "A", В: "B", С: "C", Е: "E", Н: "H", К: "K", М: "M", О: "O", Р: "P", Т: "T", Х: "X", У: "Y",
  а: "A", в: "B", с: "C", е: "E", н: "H", к: "K", м: "M", о: "O", р: "P", т: "T", х: "X", у: "Y",
  Α: "A", Β: "B", Ε: "E", Ζ: "Z", Η: "H", Ι: "I", Κ: "K", Μ: "M", Ν: "N", Ο: "O", Ρ: "P", Τ: "T", Υ: "Y", Χ: "X",
  α: "A", β: "B", ε: "E", ι: "I", κ: "K", ο: "O", ρ: "P", τ: "T", υ: "U", χ: "X",
};

/** Crockford decoding: symbols that look alike read as the one the alphabet keeps. */
const CROCKFORD_ALIASES: Record<string, string> = { O: "0", I: "1", L: "1", U: "V" };

/**
 * Separators, spaces and invisible characters that may surround or split a typed code. `\p{Cf}`
 * covers zero-width spaces, soft hyphens and the direction marks right-to-left apps wrap codes in;
 * `ー` is the dash a Japanese keyboard types.
 */
const IGNORED = /[\s\-‐-―−_.·・ー\p{Cf}]/gu;

/**
 * Normalizes what a person typed or scanned into the canonical symbols of a voucher code:
 * full-width and compatibility forms folded (NFKC), look-alike letters from other scripts
 * mapped, case folded, separators dropped, Crockford aliases resolved. Returns null when
 * something is left that no code can contain.
 */
export function normalizeCode(input: string): string | null {
  let out = "";
  for (const raw of input.normalize("NFKC").replace(IGNORED, "")) {
    const latin = (LOOK_ALIKES[raw] ?? raw).toUpperCase();
    const symbol = CROCKFORD_ALIASES[latin] ?? latin;
    if (!CROCKFORD.includes(symbol) || symbol.length !== 1) return null;
    out += symbol;
  }
  return out.length > 0 ? out : null;
}

const CODE_SHAPE = new RegExp(`^[${CROCKFORD}]{${CODE_LENGTH}}$`);

/** True when a normalized code has the length and check symbol of a code we minted. */
export function isWellFormedCode(normalized: string): boolean {
  // Checked first: a symbol outside the alphabet would count as -1 in the check sum and could pass.
  if (!CODE_SHAPE.test(normalized)) return false;
  const data = normalized.slice(0, CODE_DATA_SYMBOLS);
  return luhnCheckSymbol(data) === normalized.charAt(CODE_DATA_SYMBOLS);
}

/**
 * Imported card secrets keep their supplier's spelling; only compatibility forms and
 * surrounding or inner whitespace are folded so the same secret pasted twice is one unit.
 */
export function normalizeCardSecret(input: string): string {
  return input.normalize("NFKC").replace(/\s+/gu, "");
}

/** Shows the first and last groups only, for support staff and logs of intent. */
export function maskCode(code: string): string {
  if (code.length <= 8) return "•".repeat(code.length);
  return `${code.slice(0, 4)}${"•".repeat(Math.max(4, code.length - 8))}${code.slice(-4)}`;
}
