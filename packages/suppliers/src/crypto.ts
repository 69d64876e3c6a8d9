/**
 * WebCrypto helpers for the supplier protocol. Self-contained on purpose: the sandbox supplier
 * runs this package directly in Node (type stripping), where the workspace's other packages,
 * written for bundlers, do not resolve.
 */

const encoder = new TextEncoder();

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = "";
  for (const byte of view) out += byte.toString(16).padStart(2, "0");
  return out;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Random bytes as lower-case hex: nonces, ids, secrets. */
export function randomHex(bytes: number): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

const macKeys = new Map<string, Promise<CryptoKey>>();

function macKey(secret: string): Promise<CryptoKey> {
  let key = macKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    macKeys.set(secret, key);
  }
  return key;
}

export async function hmacHex(secret: string, message: string): Promise<string> {
  return toHex(await crypto.subtle.sign("HMAC", await macKey(secret), encoder.encode(message)));
}

/** Constant-time check of a hex HMAC (`crypto.subtle.verify` compares in constant time). */
export async function verifyHmacHex(secret: string, message: string, macHex: string): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/.test(macHex)) return false;
  return crypto.subtle.verify("HMAC", await macKey(secret), fromHex(macHex), encoder.encode(message));
}

function aesKey(keyBase64: string, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  const raw = fromBase64(keyBase64);
  if (raw.length !== 32) throw new Error("the card key must be 32 bytes (base64)");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, [usage]);
}

/** AES-256-GCM, fresh 96-bit IV, output base64(iv ‖ ciphertext ‖ tag); `aad` binds it to its order. */
export async function seal(keyBase64: string, plaintext: string, aad: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
    await aesKey(keyBase64, "encrypt"),
    encoder.encode(plaintext),
  );
  const out = new Uint8Array(12 + sealed.byteLength);
  out.set(iv);
  out.set(new Uint8Array(sealed), 12);
  return toBase64(out);
}

export async function open(keyBase64: string, sealed: string, aad: string): Promise<string> {
  const bytes = fromBase64(sealed);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: encoder.encode(aad) },
    await aesKey(keyBase64, "decrypt"),
    bytes.slice(12),
  );
  return new TextDecoder().decode(plain);
}
