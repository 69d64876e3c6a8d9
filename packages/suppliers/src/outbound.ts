/**
 * Where the Worker may send a supplier request: only to the endpoint configured for that
 * supplier, never following a redirect, and never to a private, loopback or link-local
 * address (the cloud metadata service, the operator's own network). Development and tests
 * turn `allowPrivateNetwork` on so the sandbox supplier on 127.0.0.1 can be reached; the
 * Worker's configuration refuses that switch in production.
 */

export interface OutboundPolicy {
  allowPrivateNetwork: boolean;
}

export type EndpointCheck = { ok: true; url: URL } | { ok: false; reason: string };

const PRIVATE_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

function ipv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part))) return null;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : null;
}

function privateIpv4([a = 0, b = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function privateIpv6(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (address === "::" || address === "::1") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (mapped) {
    const octets = ipv4(mapped);
    return octets === null || privateIpv4(octets);
  }
  // Hex-written IPv4-mapped addresses (::ffff:7f00:1) are refused outright.
  if (address.startsWith("::ffff:")) return true;
  return /^(fc|fd|fe[89ab])/.test(address);
}

/**
 * Checks a supplier endpoint before it is stored and again before every call. Anything that
 * is not plain `https://host[:port]/path` (no credentials in the URL, no private address) is
 * refused; plain http only where private networks are allowed (the local sandbox).
 */
export function checkEndpoint(raw: string, policy: OutboundPolicy): EndpointCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "not a URL" };
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && policy.allowPrivateNetwork)) {
    return { ok: false, reason: "the endpoint must use https" };
  }
  if (url.username || url.password) return { ok: false, reason: "credentials do not belong in the URL" };
  if (url.hash) return { ok: false, reason: "the endpoint may not carry a fragment" };
  if (policy.allowPrivateNetwork) return { ok: true, url };
  const host = url.hostname;
  const octets = ipv4(host);
  if (octets && privateIpv4(octets)) return { ok: false, reason: "private and loopback addresses are refused" };
  if (host.startsWith("[") && privateIpv6(host))
    return { ok: false, reason: "private and loopback addresses are refused" };
  // A bare number or hex host (http://2130706433/) is another spelling of an IP address.
  if (/^(0x[0-9a-f]+|\d+)$/i.test(host)) return { ok: false, reason: "numeric host names are refused" };
  if (PRIVATE_NAMES.test(host) || !host.includes(".")) return { ok: false, reason: "local host names are refused" };
  return { ok: true, url };
}
