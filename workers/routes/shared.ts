import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import { CURRENCIES } from "@tessera/domain";
import type { AppEnv } from "../app";

export type App = OpenAPIHono<AppEnv>;

export const CurrencySchema = z.enum(
  Object.keys(CURRENCIES) as [keyof typeof CURRENCIES, ...(keyof typeof CURRENCIES)[]],
);

export const MoneySchema = z
  .object({
    amount: z
      .number()
      .int()
      .nonnegative()
      .max(1_000_000_000)
      .openapi({ description: "Minor units (分 for CNY)", example: 1999 }),
    currency: CurrencySchema.openapi({ example: "CNY" }),
  })
  .openapi("Money");

export const IdempotencyKeyHeader = z.object({
  "idempotency-key": z
    .string()
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description: "Retry-safe key: the same key and body return the first result; another body answers 422.",
      example: "5f0c1a52-8d1e-4f3a-9d7b-2a6c1f3e9b10",
    }),
});

export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: "limit", in: "query" } }),
  cursor: z
    .string()
    .max(64)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "`nextCursor` of the previous page" }),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });

/** Ids in paths are checked by shape only; an id that is not ours reads as missing (404), never 400. */
export const PathId = (name: string, example: string) =>
  z
    .string()
    .max(128)
    .openapi({ param: { name, in: "path" }, example });

/** Headers every response carries, documented once. */
export const RESPONSE_HEADERS = {
  "x-request-id": {
    description: "This request's id (`req_…`); quote it to support. Problem bodies repeat it as `requestId`.",
    schema: { type: "string" as const },
  },
};

/** Headers of an answer to a request that carried an Idempotency-Key. */
/** The header of an answer replayed for a repeated Idempotency-Key, set by routes that keep keys themselves. */
export const REPLAYED = { "idempotent-replayed": "true" } as const;

export const REPLAY_HEADERS = {
  ...RESPONSE_HEADERS,
  "idempotent-replayed": {
    description: "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.",
    schema: { type: "string" as const, enum: ["true"] },
  },
};

export const json = <T extends z.ZodType>(
  schema: T,
  description: string,
  headers: Record<string, { description: string; schema: { type: "string"; enum?: string[] } }> = RESPONSE_HEADERS,
) => ({
  description,
  headers,
  content: { "application/json": { schema } },
});

export const body = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

type Requirement = Record<string, string[]>[];

export const SECURITY: Record<"admin" | "partner" | "channel" | "operator" | "order", Requirement> = {
  admin: [{ adminKey: [] }, { staffSession: [] }],
  partner: [{ partnerKey: [] }],
  channel: [{ channelKey: [] }],
  operator: [{ operatorKey: [] }],
  order: [{ orderToken: [] }],
};

export function registerSecuritySchemes(app: App): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent("securitySchemes", "adminKey", {
    type: "http",
    scheme: "bearer",
    description: "An admin API key (`tess_admin_…`), scoped to one merchant.",
  });
  registry.registerComponent("securitySchemes", "staffSession", {
    type: "apiKey",
    in: "cookie",
    name: "tessera_session",
    description: "A staff session from `POST /v1/admin/sessions`; writes also need `X-CSRF-Token`.",
  });
  registry.registerComponent("securitySchemes", "partnerKey", {
    type: "http",
    scheme: "bearer",
    description: "A partner API key (`tess_partner_…`).",
  });
  registry.registerComponent("securitySchemes", "channelKey", {
    type: "http",
    scheme: "bearer",
    description: "A reseller channel's secret key (`tess_channel_…`), issued by the merchant.",
  });
  registry.registerComponent("securitySchemes", "operatorKey", {
    type: "http",
    scheme: "bearer",
    description: "The platform operator's key.",
  });
  registry.registerComponent("securitySchemes", "orderToken", {
    type: "http",
    scheme: "bearer",
    description: "The order's access token, returned once when the order is created.",
  });
}
