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

/** The risk signals an order records from its request. */
export function requestSignals(
  headers: Headers,
  valid: { "x-device-id"?: string | undefined },
): { clientIp?: string; deviceId?: string } {
  const clientIp = clientIpOf(headers);
  const deviceId = valid["x-device-id"];
  return { ...(clientIp ? { clientIp } : {}), ...(deviceId ? { deviceId } : {}) };
}
