import { aesGcmDecrypt, aesGcmEncrypt, fromBase64, hmacKey, hmacSha256Hex } from "@tessera/domain";
import type { Config } from "../env";

/**
 * Where plain codes are turned into what we store: AES-GCM ciphertext tagged with its key id
 * (so keys can rotate: new writes use the active key, old rows still decrypt), and keyed
 * HMACs for look-ups and duplicate detection that reveal nothing without the key.
 */
export interface Vault {
  encrypt(plaintext: string, context: string): Promise<string>;
  decrypt(sealed: string, context: string): Promise<string>;
  /** The 128-bit address of a code's ledger, scoped by merchant: another merchant's code never matches. */
  lookupKey(merchantId: string, normalizedCode: string): Promise<string>;
  /** Equal for the same secret of the same merchant; used to refuse duplicate stock. */
  fingerprint(merchantId: string, normalizedSecret: string): Promise<string>;
}

const aesKeys = new Map<string, Promise<CryptoKey>>();

function aesKey(id: string, base64: string): Promise<CryptoKey> {
  let key = aesKeys.get(`${id}:${base64}`);
  if (!key) {
    key = crypto.subtle.importKey("raw", fromBase64(base64), "AES-GCM", false, ["encrypt", "decrypt"]);
    aesKeys.set(`${id}:${base64}`, key);
  }
  return key;
}

export function createVault(config: Config): Vault {
  const keyFor = (id: string) => {
    const material = config.encryptionKeys[id];
    if (!material) throw new Error(`unknown encryption key id ${id}`);
    return aesKey(id, material);
  };
  const mac = hmacKey(config.codeHmacKey);
  return {
    async encrypt(plaintext, context) {
      const id = config.activeKeyId;
      return `${id}:${await aesGcmEncrypt(await keyFor(id), plaintext, context)}`;
    },
    async decrypt(sealed, context) {
      const split = sealed.indexOf(":");
      return aesGcmDecrypt(await keyFor(sealed.slice(0, split)), sealed.slice(split + 1), context);
    },
    async lookupKey(merchantId, normalizedCode) {
      return (await hmacSha256Hex(await mac, `code\u0000${merchantId}\u0000${normalizedCode}`)).slice(0, 32);
    },
    async fingerprint(merchantId, normalizedSecret) {
      return hmacSha256Hex(await mac, `unit\u0000${merchantId}\u0000${normalizedSecret}`);
    },
  };
}
