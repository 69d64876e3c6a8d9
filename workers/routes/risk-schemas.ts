import { z } from "@hono/zod-openapi";

/** The shop's device id: random, made once per browser and kept there; it names no person. */
export const DeviceIdHeader = z.object({
  "x-device-id": z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/, "16 to 64 letters, digits, `_` or `-`")
    .optional()
    .openapi({
      param: { name: "x-device-id", in: "header" },
      description:
        "The shop's random id for this browser or app install (kept in its storage). Limits per device apply to it; without it, only the limits per email and per IP do.",
      example: "dev_6f1c0a9e4b2d4c8f9a7e3b5d1c0f2a4e",
    }),
});

/**
 * `CF-Connecting-IP` as Cloudflare sets it. Only Cloudflare writes it in production; where a
 * client could forge it (local development), a value that is not an address is dropped.
 */
export function clientIpOf(headers: Headers): string | undefined {
  const ip = headers.get("cf-connecting-ip")?.trim();
  return ip && /^[0-9A-Fa-f:.]{2,45}$/.test(ip) ? ip : undefined;
}

/**
 * The country Cloudflare placed the client in: `request.cf.country`, else its `CF-IPCountry`
 * header. `XX` (unknown) and `T1` (Tor) name no country.
 */
export function clientCountryOf(request: Request): string | undefined {
  const cf = (request as { cf?: { country?: unknown } }).cf;
  const country = typeof cf?.country === "string" ? cf.country : request.headers.get("cf-ipcountry")?.trim();
  return country && /^[A-Z]{2}$/.test(country) && country !== "XX" && country !== "T1" ? country : undefined;
}

/** The risk signals an order records from its request. */
export function requestSignals(
  request: Request,
  valid: { "x-device-id"?: string | undefined },
): { clientIp?: string; deviceId?: string; clientCountry?: string } {
  const clientIp = clientIpOf(request.headers);
  const clientCountry = clientCountryOf(request);
  const deviceId = valid["x-device-id"];
  return {
    ...(clientIp ? { clientIp } : {}),
    ...(deviceId ? { deviceId } : {}),
    ...(clientCountry ? { clientCountry } : {}),
  };
}
