import { z } from "@hono/zod-openapi";

/**
 * The closed set of error codes an API caller can receive, each with its one HTTP status.
 * The OpenAPI document, the /docs page and every thrown ApiError read this table; a test
 * checks that each code is documented on the routes that can answer it.
 */
export const ERROR_CODES = {
  invalid_request: { status: 400, title: "The request could not be read" },
  validation_failed: { status: 400, title: "The request failed validation" },
  invalid_signature: { status: 400, title: "The webhook signature is invalid or stale" },
  invalid_policy: { status: 400, title: "The SKU's code policy does not fit its product's kind" },
  amount_required: { status: 400, title: "A stored-value code is redeemed for an amount" },
  amount_not_applicable: { status: 400, title: "Only stored-value codes are redeemed for an amount" },
  unauthorized: { status: 401, title: "Missing or invalid credentials" },
  invalid_credentials: { status: 401, title: "Email or password is wrong" },
  totp_required: { status: 401, title: "A code from the authenticator app is required" },
  insufficient_funds: { status: 402, title: "The prepaid balance is too low for this order" },
  forbidden: { status: 403, title: "These credentials may not do this" },
  csrf_failed: { status: 403, title: "The CSRF token is missing or wrong" },
  not_found: { status: 404, title: "No such resource" },
  code_not_found: { status: 404, title: "No such code" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  insufficient_stock: { status: 409, title: "Not enough stock" },
  quota_exceeded: { status: 409, title: "The channel's quota for this SKU is used up" },
  price_changed: { status: 409, title: "The price is no longer the one expected" },
  sale_not_started: { status: 409, title: "The flash sale has not opened yet" },
  sale_sold_out: { status: 409, title: "The flash sale is sold out" },
  sale_limit_exceeded: { status: 409, title: "The flash sale's limit per customer is reached" },
  code_already_redeemed: { status: 409, title: "The code has no uses left" },
  code_expired: { status: 409, title: "The code has expired" },
  code_voided: { status: 409, title: "The code was voided" },
  insufficient_balance: { status: 409, title: "The amount exceeds the code's balance" },
  code_too_soon: { status: 409, title: "The code's minimum interval between uses has not passed" },
  outside_allowed_hours: { status: 409, title: "The code may not be used on this weekday or at this hour" },
  seats_full: { status: 409, title: "Every seat of the licence is taken; deactivate a device first" },
  code_form_mismatch: { status: 409, title: "The code's product form does not support this operation" },
  already_reversed: { status: 409, title: "The redemption was already reversed" },
  idempotency_key_in_use: { status: 409, title: "A request with this Idempotency-Key is still in progress" },
  conflict: { status: 409, title: "The request conflicts with the current state" },
  payload_too_large: { status: 413, title: "The request body is too large" },
  unsupported_media_type: { status: 415, title: "Unsupported content type" },
  idempotency_key_reused: { status: 422, title: "The Idempotency-Key was used with another request" },
  account_locked: { status: 423, title: "The account is locked after repeated failures" },
  rate_limited: { status: 429, title: "Too many requests" },
  order_limit_reached: { status: 429, title: "Too many unpaid orders are open; pay or let one lapse first" },
  purchase_limit_reached: { status: 429, title: "The purchase limit for this item is reached for now" },
  payment_cooldown: { status: 429, title: "Too many failed payments; wait before ordering again" },
  internal_error: { status: 500, title: "Something went wrong on our side" },
  supplier_unavailable: { status: 503, title: "The supplier did not answer; try again later" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

export interface FieldError {
  path: string;
  message: string;
}

/** A failure the caller can act on; routes and services throw it, the app renders problem+json. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? ERROR_CODES[code].title);
    this.status = ERROR_CODES[code].status;
  }
}

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "/docs#error-code_not_found" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.enum(ERROR_CODE_LIST),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

export type Problem = z.infer<typeof ProblemSchema>;

export function problemBody(error: ApiError, requestId: string): Problem {
  return {
    type: `/docs#error-${error.code}`,
    title: ERROR_CODES[error.code].title,
    status: error.status,
    ...(error.detail ? { detail: error.detail } : {}),
    code: error.code,
    requestId,
    ...(error.extra.errors ? { errors: error.extra.errors } : {}),
  };
}

/** Codes whose answers say when to try again. */
const RETRY_AFTER: ErrorCode[] = [
  "idempotency_key_in_use",
  "account_locked",
  "rate_limited",
  "sale_not_started",
  "order_limit_reached",
  "purchase_limit_reached",
  "payment_cooldown",
  "code_too_soon",
];

/** Errors every route can answer: bad input (a body of a type it does not take is 415), and our own failures. */
const ALWAYS: ErrorCode[] = [
  "invalid_request",
  "validation_failed",
  "payload_too_large",
  "unsupported_media_type",
  "internal_error",
];

/**
 * OpenAPI `responses` entries for the codes a route may answer, grouped by status, so the
 * document lists exactly which `code` values each status can carry.
 */
export function errorResponses(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...codes, ...ALWAYS]) {
    const status = ERROR_CODES[code].status;
    const list = byStatus.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    byStatus.set(status, list);
  }
  const responses: Record<
    number,
    { description: string; headers: Record<string, unknown>; content: Record<string, { schema: z.ZodType }> }
  > = {};
  for (const [status, list] of byStatus) {
    const retryable = list.some((code) => RETRY_AFTER.includes(code));
    responses[status] = {
      description: list.map((code) => `\`${code}\`: ${ERROR_CODES[code].title}`).join("; "),
      headers: {
        "x-request-id": {
          description: "This request's id, also in the body as `requestId`.",
          schema: { type: "string" },
        },
        ...(retryable
          ? { "retry-after": { description: "Seconds to wait before trying again.", schema: { type: "integer" } } }
          : {}),
      },
      content: {
        "application/problem+json": {
          schema: ProblemSchema.extend({ code: z.enum(list as [ErrorCode, ...ErrorCode[]]) }),
        },
      },
    };
  }
  return responses;
}
