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

const Count = (max: number) => z.number().int().min(1).max(max);

export const PurchaseLimitsSchema = z
  .object({
    perCustomer: Count(100_000),
    perIp: Count(1_000_000),
    perDevice: Count(100_000),
  })
  .openapi("PurchaseLimits", { description: "Units of one SKU per buyer identity inside the purchase window" });

export const RiskLimitsSchema = z
  .object({
    checkout: z.object({
      attemptsPerMinute: z.object({ perCustomer: Count(10_000), perIp: Count(100_000), perDevice: Count(10_000) }),
      purchaseWindowMinutes: Count(43_200),
      purchases: PurchaseLimitsSchema,
      skuPurchases: z
        .record(z.string().min(1).max(64), PurchaseLimitsSchema)
        .refine((skus) => Object.keys(skus).length <= 500, "at most 500 SKUs with their own limits")
        .openapi({ description: "Limits of named SKUs, instead of `purchases`" }),
      unpaidOrders: z.object({ perCustomer: Count(1000), perIp: Count(100_000), perDevice: Count(1000) }),
      paymentFailures: z.object({
        perCustomer: Count(1000),
        perIp: Count(100_000),
        perDevice: Count(1000),
        perCard: Count(1000),
        windowMinutes: Count(10_080),
        cooldownMinutes: Count(10_080),
      }),
    }),
    lookups: z.object({
      failuresPerPartnerKey: Count(1_000_000),
      failuresPerIp: Count(1_000_000),
      windowMinutes: Count(1440),
      lockoutMinutes: Count(1440),
      requestsPerMinutePerPartnerKey: Count(1_000_000),
    }),
  })
  .strict()
  .openapi("RiskLimits");

export const RiskLimitsViewSchema = z
  .object({
    limits: RiskLimitsSchema,
    defaults: RiskLimitsSchema.openapi({ description: "What a merchant that never set its limits is under" }),
    updatedAt: z.string().nullable().openapi({ description: "Null while the defaults apply" }),
  })
  .openapi("RiskLimitsView");
