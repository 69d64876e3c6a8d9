/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) with WebCrypto, as
 * authenticator apps expect them: SHA-1, 6 digits, 30-second steps, one step of drift either way.
 */

export type TotpAlgorithm = "SHA-1" | "SHA-256" | "SHA-512";

export interface TotpOptions {
  algorithm?: TotpAlgorithm;
  digits?: number;
  stepSeconds?: number;
}

const DEFAULTS = { algorithm: "SHA-1", digits: 6, stepSeconds: 30 } as const;

/** RFC 4648 base32, the alphabet authenticator apps read secrets in. */
const RFC4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function encodeRfc4648Base32(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += RFC4648[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += RFC4648[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 as people paste it (any case, spaces, padding); null if it is not base32. */
export function decodeRfc4648Base32(text: string): Uint8Array<ArrayBuffer> | null {
  const clean = text.replace(/[\s=-]/g, "").toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const symbol of clean) {
    const value = RFC4648.indexOf(symbol);
    if (value < 0) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
      buffer &= (1 << bits) - 1;
    }
  }
  return new Uint8Array(out);
}

/** A fresh 160-bit secret (RFC 4226 recommends the HMAC-SHA-1 output length), base32. */
export function newTotpSecret(): string {
  return encodeRfc4648Base32(crypto.getRandomValues(new Uint8Array(20)));
}

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKeyFor(secret: Uint8Array<ArrayBuffer>, algorithm: TotpAlgorithm): Promise<CryptoKey> {
  const cacheKey = `${algorithm}:${Array.from(secret).join(",")}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: algorithm }, false, ["sign"]);
    if (keys.size > 1_000) keys.clear();
    keys.set(cacheKey, key);
  }
  return key;
}

/** RFC 4226 §5.3: HMAC of the 8-byte big-endian counter, dynamically truncated to `digits` decimal digits. */
export async function hotp(
  secret: Uint8Array<ArrayBuffer>,
  counter: number,
  digits: number = DEFAULTS.digits,
  algorithm: TotpAlgorithm = DEFAULTS.algorithm,
): Promise<string> {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKeyFor(secret, algorithm), message));
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) |
    ((mac[offset + 1] ?? 0) << 16) |
    ((mac[offset + 2] ?? 0) << 8) |
    (mac[offset + 3] ?? 0);
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** The time step a moment falls in (RFC 6238 §4: T = floor((now − T0) / X), T0 = 0). */
export function totpStep(nowMs: number, stepSeconds: number = DEFAULTS.stepSeconds): number {
  return Math.floor(nowMs / 1000 / stepSeconds);
}

export function totp(secret: Uint8Array<ArrayBuffer>, nowMs: number, options: TotpOptions = {}): Promise<string> {
  const { algorithm, digits, stepSeconds } = { ...DEFAULTS, ...options };
  return hotp(secret, totpStep(nowMs, stepSeconds), digits, algorithm);
}

/**
 * Checks a code against the current step and `window` steps either side (clock drift). Returns
 * the step it matched, so the caller can refuse that step from now on (RFC 6238 §5.2: a code is
 * accepted once), or null. Every candidate is computed and compared, whichever matches.
 */
export async function verifyTotp(
  secret: Uint8Array<ArrayBuffer>,
  code: string,
  nowMs: number,
  options: TotpOptions & { window?: number } = {},
): Promise<number | null> {
  const { algorithm, digits, stepSeconds } = { ...DEFAULTS, ...options };
  const window = options.window ?? 1;
  const typed = code.replace(/\s/g, "");
  if (!new RegExp(`^\\d{${digits}}$`).test(typed)) return null;
  const current = totpStep(nowMs, stepSeconds);
  let matched: number | null = null;
  for (let step = current - window; step <= current + window; step++) {
    const expected = await hotp(secret, step, digits, algorithm);
    let diff = 0;
    for (let i = 0; i < digits; i++) diff |= expected.charCodeAt(i) ^ typed.charCodeAt(i);
    if (diff === 0 && matched === null) matched = step;
  }
  return matched;
}

/** The `otpauth://` URI authenticator apps scan (Google Authenticator's key URI format). */
export function otpauthUrl(input: { issuer: string; account: string; secret: string }): string {
  const label = `${encodeURIComponent(input.issuer)}:${encodeURIComponent(input.account)}`;
  const params = new URLSearchParams({
    secret: input.secret,
    issuer: input.issuer,
    algorithm: "SHA1",
    digits: String(DEFAULTS.digits),
    period: String(DEFAULTS.stepSeconds),
  });
  return `otpauth://totp/${label}?${params.toString()}`;
}
