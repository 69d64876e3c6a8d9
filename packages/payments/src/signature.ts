import { hmacKey, hmacSha256Hex, verifyHmacSha256Hex } from "@tessera/domain";

/**
 * Webhook signatures in the shape Stripe made familiar: `t=<unix seconds>,v1=<hex HMAC-SHA256
 * of "<t>.<raw body>">`. The MAC covers the exact bytes sent, so the receiver must verify the
 * raw body before parsing it; the timestamp bounds replays to the tolerance window.
 */
export const SIGNATURE_HEADER = "tessera-signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;

export async function signPayload(secret: string, rawBody: string, timestamp: number): Promise<string> {
  const mac = await hmacSha256Hex(await hmacKey(secret), `${timestamp}.${rawBody}`);
  return `t=${timestamp},v1=${mac}`;
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: "malformed" | "stale" | "mismatch" };

export async function verifySignature(
  secret: string,
  header: string | undefined | null,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: "malformed" };
  const parts = new Map<string, string[]>();
  for (const piece of header.split(",")) {
    const [name, value] = piece.split("=", 2);
    if (!name || !value) continue;
    parts.set(name.trim(), [...(parts.get(name.trim()) ?? []), value.trim()]);
  }
  const timestamp = Number(parts.get("t")?.[0]);
  const candidates = parts.get("v1") ?? [];
  if (!Number.isSafeInteger(timestamp) || candidates.length === 0) return { ok: false, reason: "malformed" };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: "stale" };
  const key = await hmacKey(secret);
  // Several v1 entries may be present while a secret is being rotated; any one may match.
  for (const candidate of candidates) {
    if (await verifyHmacSha256Hex(key, `${timestamp}.${rawBody}`, candidate)) return { ok: true, timestamp };
  }
  return { ok: false, reason: "mismatch" };
}
