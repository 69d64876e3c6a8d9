import { LEDGER_LAYOUTS } from "@tessera/domain";
import { z } from "zod";
import type { CodeLedger } from "./objects/code-ledger";
import type { RateGate } from "./objects/rate-gate";
import type { RedemptionKeys } from "./objects/redemption-keys";
import type { StockKeeper } from "./objects/stock-keeper";
import type { StockShard } from "./objects/stock-shard";
import type { SupplierBreaker } from "./objects/supplier-breaker";

/** The bindings wrangler.toml declares and the secrets .dev.vars (or `wrangler secret`) provides. */
export interface Env {
  DB: D1Database;
  CODE_LEDGER: DurableObjectNamespace<CodeLedger>;
  STOCK_KEEPER: DurableObjectNamespace<StockKeeper>;
  /** A flash sale's stock, split over shards named `<saleId>:<index>`. */
  STOCK_SHARD: DurableObjectNamespace<StockShard>;
  RATE_GATE: DurableObjectNamespace<RateGate>;
  /** The request each redemption Idempotency-Key was first used with, by `<merchantId>:<hash prefix>` (16 per merchant). */
  REDEMPTION_KEYS: DurableObjectNamespace<RedemptionKeys>;
  SUPPLIER_BREAKER: DurableObjectNamespace<SupplierBreaker>;
  EVENTS: Queue;
  CHANNEL_WEBHOOKS: Queue;
  FULFILLMENT: Queue;
  RISK: Queue;
  SUPPLIER: Queue;
  ASSETS: Fetcher;
  SELF: Fetcher;
  ENVIRONMENT: string;
  SANDBOX_PAYMENTS: string;
  /** `allowed` lets supplier calls reach private and loopback addresses (the local sandbox supplier). */
  SUPPLIER_PRIVATE_NETWORK?: string;
  /** `allowed` lets resellers register webhook endpoints on private and loopback addresses (the tests' receiver). */
  WEBHOOK_PRIVATE_NETWORK?: string;
  /** Where suppliers post their callbacks (`<url>/v1/webhooks/suppliers/…`); without it, orders are polled. */
  PUBLIC_BASE_URL?: string;
  RESERVATION_TTL_SECONDS: string;
  /** `shard` (a merchant's codes over 256 CodeLedgers, the default) or `code` (one per code); see `ledgerNameFor`. */
  CODE_LEDGER_LAYOUT?: string;
  /** `off` skips the synchronous risk gates (benchmarks measure their cost); anything else or unset: on. */
  RISK_GATES?: string;
  OPERATOR_API_KEY: string;
  CODE_HMAC_KEY: string;
  ENCRYPTION_KEYS: string;
  ENCRYPTION_ACTIVE_KEY_ID: string;
  SANDBOX_WEBHOOK_SECRET: string;
  DEMO_ADMIN_API_KEY?: string;
  DEMO_PARTNER_API_KEY?: string;
  DEMO_STAFF_EMAIL?: string;
  DEMO_STAFF_PASSWORD?: string;
}

type TesseraEnv = Env;

declare global {
  namespace Cloudflare {
    interface Env extends TesseraEnv {}
    /** Types `exports` from `cloudflare:workers` (used by tests to call the Worker). */
    interface GlobalProps {
      mainModule: typeof import("./edge");
      durableNamespaces:
        | "CodeLedger"
        | "StockKeeper"
        | "RateGate"
        | "SupplierBreaker"
        | "StockShard"
        | "RedemptionKeys";
    }
  }
}

const secret = (minLength: number) => z.string().min(minLength);

const ConfigSchema = z.object({
  environment: z.enum(["development", "test", "production"]),
  sandboxPayments: z.boolean(),
  supplierPrivateNetwork: z.boolean(),
  webhookPrivateNetwork: z.boolean(),
  publicBaseUrl: z.url().nullable(),
  reservationTtlMs: z.number().int().min(10_000).max(86_400_000),
  ledgerLayout: z.enum(LEDGER_LAYOUTS),
  riskGates: z.enum(["on", "off"]),
  operatorApiKey: secret(24),
  codeHmacKey: z.string().regex(/^[0-9a-f]{64}$/i, "64 hex characters"),
  encryptionKeys: z.record(z.string().regex(/^[a-z0-9]{1,16}$/), z.string().min(40)),
  activeKeyId: z.string(),
  sandboxWebhookSecret: secret(16),
  demo: z.object({
    adminApiKey: z.string().optional(),
    partnerApiKey: z.string().optional(),
    staffEmail: z.string().optional(),
    staffPassword: z.string().optional(),
  }),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

const cache = new WeakMap<object, Config>();

/** Validates configuration once per isolate; a deployment missing a secret fails loudly, not per request. */
export function loadConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  let keys: unknown;
  try {
    keys = JSON.parse(env.ENCRYPTION_KEYS ?? "");
  } catch {
    throw new ConfigError("ENCRYPTION_KEYS must be a JSON object of key id to base64 key");
  }
  const parsed = ConfigSchema.safeParse({
    environment: env.ENVIRONMENT,
    sandboxPayments: env.SANDBOX_PAYMENTS === "enabled",
    supplierPrivateNetwork: env.SUPPLIER_PRIVATE_NETWORK === "allowed",
    webhookPrivateNetwork: env.WEBHOOK_PRIVATE_NETWORK === "allowed",
    publicBaseUrl: env.PUBLIC_BASE_URL ? env.PUBLIC_BASE_URL.replace(/\/+$/, "") : null,
    reservationTtlMs: Number(env.RESERVATION_TTL_SECONDS ?? "900") * 1000,
    ledgerLayout: env.CODE_LEDGER_LAYOUT ?? "shard",
    riskGates: env.RISK_GATES ?? "on",
    operatorApiKey: env.OPERATOR_API_KEY,
    codeHmacKey: env.CODE_HMAC_KEY,
    encryptionKeys: keys,
    activeKeyId: env.ENCRYPTION_ACTIVE_KEY_ID,
    sandboxWebhookSecret: env.SANDBOX_WEBHOOK_SECRET,
    demo: {
      adminApiKey: env.DEMO_ADMIN_API_KEY,
      partnerApiKey: env.DEMO_PARTNER_API_KEY,
      staffEmail: env.DEMO_STAFF_EMAIL,
      staffPassword: env.DEMO_STAFF_PASSWORD,
    },
  });
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join(".")).join(", ");
    throw new ConfigError(`invalid configuration: ${fields}`);
  }
  if (!(parsed.data.activeKeyId in parsed.data.encryptionKeys)) {
    throw new ConfigError("ENCRYPTION_ACTIVE_KEY_ID names no key in ENCRYPTION_KEYS");
  }
  if (parsed.data.environment === "production" && parsed.data.sandboxPayments) {
    throw new ConfigError("the sandbox payment provider cannot be enabled in production");
  }
  if (parsed.data.environment === "production" && parsed.data.riskGates === "off") {
    throw new ConfigError("the risk gates cannot be switched off in production");
  }
  if (parsed.data.environment === "production" && parsed.data.supplierPrivateNetwork) {
    throw new ConfigError("supplier calls to private addresses cannot be allowed in production");
  }
  if (parsed.data.environment === "production" && parsed.data.webhookPrivateNetwork) {
    throw new ConfigError("webhooks to private addresses cannot be allowed in production");
  }
  cache.set(env, parsed.data);
  return parsed.data;
}
