import { customerOf } from "../flash-sale";

/**
 * A merchant's block- and allowlists. Values are normalized once, when an entry is added, and
 * the same way when an order is checked, so a match does not depend on how either was typed.
 */

export const LIST_KINDS = ["email", "ip_range", "device", "payment_fingerprint", "recipient_account"] as const;
export type ListKind = (typeof LIST_KINDS)[number];
export const LIST_NAMES = ["block", "allow"] as const;
export type ListName = (typeof LIST_NAMES)[number];

export interface ListEntry {
  id: string;
  kind: ListKind;
  list: ListName;
  value: string;
}

/** What an order or its payment presents to the lists; null where the signal is unknown. */
export interface ListSubject {
  email: string | null;
  ip: string | null;
  device: string | null;
  paymentFingerprint: string | null;
  recipientAccounts: string[];
}

export interface ListHit {
  entryId: string;
  kind: ListKind;
  list: ListName;
  value: string;
}

/** The stored form of a value, or null when it is not a value of that kind (a 400 for the caller). */
export function normalizeListValue(kind: ListKind, raw: string): string | null {
  const text = raw.normalize("NFKC").trim();
  if (text.length === 0 || text.length > 200) return null;
  switch (kind) {
    case "email":
      return /^[^@\s]+@[^@\s]+$/.test(text) ? customerOf(text) : null;
    case "ip_range":
      return canonicalRange(text);
    case "device":
    case "payment_fingerprint":
      return /^[\x21-\x7e]+$/.test(text) ? text : null;
    case "recipient_account":
      return normalizeAccount(text);
  }
}

/** Spaces, dashes and case do not make another account: `138-0013 8000` is `13800138000`. */
export function normalizeAccount(account: string): string {
  return account.normalize("NFKC").replace(/[\s-]/g, "").toLowerCase();
}

/** Every entry the subject matches, block and allow alike; the caller decides which wins. */
export function listHits(entries: readonly ListEntry[], subject: ListSubject): ListHit[] {
  const email = subject.email ? customerOf(subject.email) : null;
  const ip = subject.ip ? parseIp(subject.ip) : null;
  const accounts = new Set(subject.recipientAccounts.map(normalizeAccount));
  const hits: ListHit[] = [];
  for (const entry of entries) {
    const hit =
      (entry.kind === "email" && email !== null && entry.value === email) ||
      (entry.kind === "device" && subject.device !== null && entry.value === subject.device) ||
      (entry.kind === "payment_fingerprint" &&
        subject.paymentFingerprint !== null &&
        entry.value === subject.paymentFingerprint) ||
      (entry.kind === "recipient_account" && accounts.has(entry.value)) ||
      (entry.kind === "ip_range" && ip !== null && inRange(ip, entry.value));
    if (hit) hits.push({ entryId: entry.id, kind: entry.kind, list: entry.list, value: entry.value });
  }
  return hits;
}

/** An address as its family and 32- or 128-bit number; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is IPv4. */
export interface ParsedIp {
  version: 4 | 6;
  value: bigint;
}

export function parseIp(text: string): ParsedIp | null {
  const v4 = parseV4(text);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseV6(text);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { version: 4, value: v6 & 0xffffffffn };
  return { version: 6, value: v6 };
}

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseV6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split("::").length > 2) return null;
  const [head = "", tail] = text.split("::");
  const groups = (side: string): number[] | null => {
    if (side === "") return [];
    const out: number[] = [];
    const pieces = side.split(":");
    for (const [index, piece] of pieces.entries()) {
      if (piece.includes(".")) {
        // An embedded IPv4 tail (`::ffff:192.0.2.1`) is the last two groups.
        const v4 = index === pieces.length - 1 ? parseV4(piece) : null;
        if (v4 === null) return null;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return null;
        out.push(Number.parseInt(piece, 16));
      }
    }
    return out;
  };
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  if (!left || !right) return null;
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  let value = 0n;
  for (const group of [...left, ...Array<number>(tail === undefined ? 0 : missing).fill(0), ...right]) {
    value = (value << 16n) | BigInt(group);
  }
  return value;
}

function formatIp(ip: ParsedIp): string {
  if (ip.version === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join(".");
  }
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((ip.value >> shift) & 0xffffn).toString(16));
  return groups.join(":");
}

/**
 * A range as `address/prefix` with the host bits cleared (`10.1.2.3/8` is `10.0.0.0/8`); a bare
 * address is its own range (/32 or /128). Null for anything else.
 */
export function canonicalRange(text: string): string | null {
  const [address = "", prefixText, extra] = text.split("/");
  if (extra !== undefined) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  const bits = ip.version === 4 ? 32 : 128;
  // A v4-mapped v6 range's prefix counts the 96 mapping bits.
  const mapped = ip.version === 4 && address.includes(":");
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  let prefix = prefixText === undefined ? bits : Number(prefixText) - (mapped ? 96 : 0);
  if (prefix < 0 || prefix > bits) return null;
  prefix = Math.trunc(prefix);
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return `${formatIp({ version: ip.version, value: ip.value & mask })}/${prefix}`;
}

/** True when `ip` falls in the canonical range `cidr`; families never match each other. */
export function inRange(ip: ParsedIp, cidr: string): boolean {
  const [address = "", prefixText = ""] = cidr.split("/");
  const base = parseIp(address);
  if (!base || base.version !== ip.version) return false;
  const bits = ip.version === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return false;
  const shift = BigInt(bits - prefix);
  return ip.value >> shift === base.value >> shift;
}
