import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import worker from "../../../workers/edge";
import type { Env } from "../../../workers/env";
import { ERROR_CODES, type ErrorCode } from "../../../workers/errors";
import { type ApiResponse, BASE } from "../factories";

/**
 * What every route test file shares: problem+json assertions that also check the received
 * `code` is documented for that route in /openapi.json, and the security cases every
 * authenticated route must pass.
 */

export type Method = "get" | "post" | "put" | "patch" | "delete";

interface ProblemMedia {
  schema?: SchemaNode;
}
interface SchemaNode {
  $ref?: string;
  allOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  enum?: string[];
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, ProblemMedia> }> }>>;
  components: Record<string, Record<string, unknown>>;
}

let documentOnce: Promise<OpenApiDocument> | null = null;

/** The served contract, read once per test file (module state is per file). */
export function openApiDocument(): Promise<OpenApiDocument> {
  documentOnce ??= exports.default.fetch(`${BASE}/openapi.json`).then((res) => res.json() as Promise<OpenApiDocument>);
  return documentOnce;
}

function codeEnums(node: SchemaNode | undefined): string[] {
  if (!node) return [];
  return [...(node.properties?.code?.enum ?? []), ...(node.allOf ?? []).flatMap(codeEnums)];
}

/** The error codes the document says `method path` can answer, by HTTP status. */
export function documentedCodes(document: OpenApiDocument, method: Method, path: string): Map<number, Set<string>> {
  const operation = document.paths[path]?.[method];
  const out = new Map<number, Set<string>>();
  for (const [status, response] of Object.entries(operation?.responses ?? {})) {
    const codes = codeEnums(response.content?.["application/problem+json"]?.schema);
    if (codes.length > 0) out.set(Number(status), new Set(codes));
  }
  return out;
}

/** A `code` the route was seen answering must be documented on that route, under its status. */
export async function expectDocumented(method: Method, path: string, code: ErrorCode): Promise<void> {
  const document = await openApiDocument();
  expect(document.paths[path]?.[method], `${method.toUpperCase()} ${path} is in /openapi.json`).toBeDefined();
  const byStatus = documentedCodes(document, method, path);
  expect(
    [...(byStatus.get(ERROR_CODES[code].status) ?? [])],
    `${method.toUpperCase()} ${path} documents \`${code}\` under ${ERROR_CODES[code].status}`,
  ).toContain(code);
}

const REQUEST_ID = /^req_[0-9A-Z]{26}$/;

/** A successful JSON answer: status, content type, and the request id every answer carries. */
export function expectJson(res: ApiResponse, status: number): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.headers.get("x-request-id")).toMatch(REQUEST_ID);
}

export interface RouteUnderTest {
  method: Method;
  path: string;
  /** Asserts an RFC 9457 problem with `code`, and that the route documents `code`. */
  expectProblem(res: ApiResponse, code: ErrorCode): Promise<void>;
}

export function routeUnderTest(method: Method, path: string): RouteUnderTest {
  return {
    method,
    path,
    async expectProblem(res, code) {
      const { status, title } = ERROR_CODES[code];
      expect({ status: res.status, code: res.body?.code }, JSON.stringify(res.body)).toEqual({ status, code });
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const requestId = res.headers.get("x-request-id");
      expect(requestId).toMatch(REQUEST_ID);
      expect(res.body).toMatchObject({ type: `/docs#error-${code}`, title, status, code, requestId });
      await expectDocumented(method, path, code);
    },
  };
}

/** The parts of a problem that must not tell a foreign object from a missing one. */
function visible(body: Record<string, unknown>) {
  const { requestId: _requestId, ...rest } = body;
  return rest;
}

/**
 * "Not yours" must read exactly like "not there": same status, same code, same words; only
 * the request id differs.
 */
export async function expectForeignLikeMissing(
  route: RouteUnderTest,
  foreign: ApiResponse,
  missing: ApiResponse,
  code: ErrorCode = "not_found",
): Promise<void> {
  await route.expectProblem(foreign, code);
  await route.expectProblem(missing, code);
  expect(visible(foreign.body)).toEqual(visible(missing.body));
}

export type Audience = "admin" | "partner" | "channel" | "operator";

const KEY_PREFIX: Record<Audience, string> = {
  admin: "tess_admin_",
  partner: "tess_partner_",
  channel: "tess_channel_",
  operator: "",
};

export interface SecurityOptions {
  audience: Audience;
  /** Sends the route's request with this Authorization header (or none). */
  send: (authorization: string | undefined) => Promise<ApiResponse>;
  /** A real key of another kind (a partner key on an admin route…): still no entry. */
  otherKindKey?: () => string;
  /** Read before and after the refused calls: what a refused call must not have changed. */
  observe?: () => Promise<unknown>;
}

/**
 * The shared security cases of an authenticated route: without credentials, with garbage,
 * with a well-formed key nobody issued, with another scheme, and with a key of another kind,
 * the route answers 401 `unauthorized` and changes nothing.
 */
export function itRefusesBadCredentials(route: RouteUnderTest, options: SecurityOptions): void {
  const label = `${route.method.toUpperCase()} ${route.path}`;
  const randomPart = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, "0")).join("");
  const cases: [string, () => string | undefined][] = [
    ["no credentials", () => undefined],
    ["a garbage key", () => "Bearer garbage"],
    ["a well-formed key that was never issued", () => `Bearer ${KEY_PREFIX[options.audience]}${randomPart()}`],
    ["a non-Bearer scheme", () => `Basic ${btoa("user:password")}`],
    ["an empty Bearer", () => "Bearer "],
  ];
  if (options.otherKindKey) {
    const otherKindKey = options.otherKindKey;
    cases.push(["a key of another kind", () => `Bearer ${otherKindKey()}`]);
  }
  it.each(cases)(`${label} refuses %s with 401 unauthorized and changes nothing`, async (_name, authorization) => {
    const before = await options.observe?.();
    const res = await options.send(authorization());
    await route.expectProblem(res, "unauthorized");
    if (options.observe) expect(await options.observe()).toEqual(before);
  });
}

/** The session cookie and CSRF token of a signed-in staff member. */
export interface StaffSession {
  cookie: string;
  csrfToken: string;
  setCookie: string;
}

export function cookieHeader(session: StaffSession, withCsrf = true): Record<string, string> {
  return { cookie: session.cookie, ...(withCsrf ? { "x-csrf-token": session.csrfToken } : {}) };
}

/** 1 MiB and a bit, as a JSON string field: over the limit for every JSON route. */
export const OVERSIZED = "x".repeat(1024 * 1024 + 16);

/**
 * Calls the Worker's fetch handler with some bindings replaced, for behaviour that depends on
 * configuration (sandbox disabled, demo keys set, production). Same parsing as `call`.
 */
export async function callWithEnv(
  overrides: Partial<Env>,
  method: string,
  path: string,
  options: { token?: string; json?: unknown } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers["content-type"] = "application/json";
  const request = new Request(`${BASE}${path}`, {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}
