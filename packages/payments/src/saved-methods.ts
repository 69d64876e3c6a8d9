import {
  fromBase64,
  hmacKey,
  hmacSha256Hex,
  randomToken,
  sha256Hex,
  timingSafeEqual,
  toBase64Url,
} from "@tessera/domain";

/**
 * The sandbox's test cards, documented the way a real provider documents its own. Any other
 * card number that passes the Luhn check is approved; one that fails it is refused.
 *
 * | card                | at checkout | charged later, off session                         |
 * | ------------------- | ----------- | -------------------------------------------------- |
 * | 4242 4242 4242 4242 | approved    | approved                                           |
 * | 4000 0000 0000 0341 | approved    | declined, `card_declined`                          |
 * | 4000 0000 0000 9995 | declined    | declined, `insufficient_funds`                     |
 * | 4000 0000 0000 0119 | approved    | first attempt of a charge `processing_error`, then approved |
 *
 * Every card is issued in the US, except these, which are approved like 4242… and issued in the
 * country named: 4000 0015 6000 0002 CN, 4000 0034 4000 0004 HK, 4000 0039 2000 0003 JP,
 * 4000 0082 6000 0000 GB. Each payment event carries the card's country and a fingerprint: the
 * same number always gives the same fingerprint, and the fingerprint never reveals the number.
 */
export const SANDBOX_TEST_CARDS = {
  approves: "4242424242424242",
  declinesLater: "4000000000000341",
  declines: "4000000000009995",
  failsOnceLater: "4000000000000119",
  chinaIssued: "4000001560000002",
  hongKongIssued: "4000003440000004",
  japanIssued: "4000003920000003",
  britainIssued: "4000008260000000",
} as const;

const COUNTRIES: Record<string, string> = {
  [SANDBOX_TEST_CARDS.chinaIssued]: "CN",
  [SANDBOX_TEST_CARDS.hongKongIssued]: "HK",
  [SANDBOX_TEST_CARDS.japanIssued]: "JP",
  [SANDBOX_TEST_CARDS.britainIssued]: "GB",
};

/** What the provider tells about the card of a payment: never its number. */
export interface CardDetails {
  /** Stable per card number and opaque (`fp_` and 24 hex digits of an HMAC). */
  fingerprint: string;
  /** ISO 3166-1 alpha-2 country of the issuer. */
  country: string;
}

/** The fingerprint and issuing country of a card number (digits only). */
export async function cardDetails(secret: string, card: string): Promise<CardDetails> {
  const mac = await hmacSha256Hex(await hmacKey(`card-fingerprints:${secret}`), card);
  return { fingerprint: `fp_${mac.slice(0, 24)}`, country: COUNTRIES[card] ?? "US" };
}

export type DeclineCode = "card_declined" | "insufficient_funds" | "processing_error";

type Behaviour = "approve" | "decline_later" | "decline" | "fail_once_later";

const BEHAVIOURS: Record<string, Behaviour> = {
  [SANDBOX_TEST_CARDS.declinesLater]: "decline_later",
  [SANDBOX_TEST_CARDS.declines]: "decline",
  [SANDBOX_TEST_CARDS.failsOnceLater]: "fail_once_later",
};

export function passesLuhn(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    total += digit;
  }
  return total % 10 === 0;
}

function brandOf(digits: string): string {
  if (digits.startsWith("4")) return "Visa";
  if (/^5[1-5]/.test(digits) || /^2[2-7]/.test(digits)) return "Mastercard";
  if (digits.startsWith("62")) return "UnionPay";
  return "Card";
}

/** What a card does when the buyer pays with it at checkout: approved, or the decline code. */
export function checkoutDecline(card: string): DeclineCode | null {
  return BEHAVIOURS[card] === "decline" ? "insufficient_funds" : null;
}

/** What an off-session charge of a saved card does on attempt `attempt` of one payment. */
function offSessionDecline(behaviour: Behaviour, attempt: number): DeclineCode | null {
  switch (behaviour) {
    case "decline_later":
      return "card_declined";
    case "decline":
      return "insufficient_funds";
    case "fail_once_later":
      return attempt === 1 ? "processing_error" : null;
    default:
      return null;
  }
}

export interface SavedMethod {
  /** The provider's token for the card: it can charge the customer, so keep it sealed. */
  token: string;
  /** What people see: `Visa •••• 4242`. */
  label: string;
}

/**
 * Saved payment methods without storage of their own: the token carries the card's test
 * behaviour and last digits, MACed with the sandbox's secret, so a token the sandbox did not
 * issue (or one altered to change its behaviour) is refused when charged.
 */
export class SandboxVault {
  constructor(private readonly secret: string) {}

  async save(card: string): Promise<SavedMethod | null> {
    if (!passesLuhn(card)) return null;
    const label = `${brandOf(card)} •••• ${card.slice(-4)}`;
    const { fingerprint, country } = await cardDetails(this.secret, card);
    const payload = toBase64Url(
      new TextEncoder().encode(
        JSON.stringify({ b: BEHAVIOURS[card] ?? "approve", l: label, n: randomToken(9), f: fingerprint, c: country }),
      ),
    );
    return { token: `pm_sbx_${payload}.${await this.#mac(payload)}`, label };
  }

  /** The decline an off-session charge meets, or null when approved; `invalid` for a token not ours. */
  async decline(token: string, attempt: number): Promise<DeclineCode | null | "invalid"> {
    const saved = await this.#open(token);
    return saved === null ? "invalid" : offSessionDecline(saved.b, attempt);
  }

  /** The card details of a saved method (none for a token saved before they were kept, or not ours). */
  async details(token: string): Promise<CardDetails | null> {
    const saved = await this.#open(token);
    return saved?.f && saved.c ? { fingerprint: saved.f, country: saved.c } : null;
  }

  async #open(token: string): Promise<{ b: Behaviour; f?: string; c?: string } | null> {
    const match = /^pm_sbx_([A-Za-z0-9_-]{1,400})\.([0-9a-f]{32})$/.exec(token);
    if (!match?.[1] || !match[2] || !(await timingSafeEqual(match[2], await this.#mac(match[1])))) return null;
    return JSON.parse(new TextDecoder().decode(fromBase64(match[1]))) as { b: Behaviour; f?: string; c?: string };
  }

  async #mac(payload: string): Promise<string> {
    return (await hmacSha256Hex(await hmacKey(`saved-methods:${this.secret}`), payload)).slice(0, 32);
  }
}

/** The provider's event id for an attempt: the same attempt charged again is the same event. */
export async function attemptEventId(paymentId: string, attempt: number): Promise<string> {
  return `sbx_evt_${(await sha256Hex(`${paymentId}:${attempt}`)).slice(0, 26)}`;
}
