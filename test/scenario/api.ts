// A small HTTP client for the scenario tests: JSON or CSV in, parsed JSON out, and assertions
// that print the response body when a status is not the expected one.
import { expect, inject } from "vitest";

export interface Reply<T> {
  status: number;
  contentType: string;
  body: T;
}

/** RFC 9457 problem details, as every Tessera error answers. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  requestId: string;
}

interface Options {
  token?: string;
  idempotencyKey?: string;
  json?: unknown;
  csv?: string;
}

async function call<T>(method: "GET" | "POST", path: string, options: Options): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
  if (options.csv !== undefined) {
    headers["content-type"] = "text/csv";
    body = options.csv;
  } else if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  const res = await fetch(`${inject("baseUrl")}${path}`, { method, headers, body });
  const contentType = res.headers.get("content-type") ?? "";
  const text = await res.text();
  const parsed: unknown = text !== "" && contentType.includes("json") ? JSON.parse(text) : text;
  return { status: res.status, contentType, body: parsed as T };
}

export const get = <T>(path: string, options: Options = {}) => call<T>("GET", path, options);
export const post = <T>(path: string, options: Options = {}) => call<T>("POST", path, options);

export function expectStatus(reply: Reply<unknown>, status: number) {
  expect(reply.status, `answered ${JSON.stringify(reply.body)}`).toBe(status);
}

/** An error answer: the status, problem+json, every required member, and the code when known. */
export function expectProblem(reply: Reply<unknown>, status: number, code?: string) {
  expectStatus(reply, status);
  expect(reply.contentType).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    code: code ?? expect.any(String),
    requestId: expect.stringMatching(/^req_/),
  });
}

/**
 * Calls `read` until `done` holds or `timeoutMs` passes; returns the value and the moment
 * (performance.now()) it was seen, so callers can measure how fast something happened.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 5_000, intervalMs = 20 } = {},
): Promise<{ value: T; at: number }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    const at = performance.now();
    if (done(value)) return { value, at };
    if (at > deadline) throw new Error(`gave up after ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
