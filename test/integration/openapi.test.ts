/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { newApp } from "../../workers/app";
import { ERROR_CODE_LIST, ERROR_CODES, type ErrorCode } from "../../workers/errors";
import { ROUTES } from "../../workers/routes";
import { registerSecuritySchemes } from "../../workers/routes/shared";
import { call } from "./factories";
import { documentedCodes, type Method, type OpenApiDocument, openApiDocument } from "./routes/kit";

/**
 * Codes in the error table that no route can answer today, each with the reason. The test
 * below fails when one of them starts being documented, so this list cannot go stale.
 */
const NOT_ANSWERED: Partial<Record<ErrorCode, string>> = {
  method_not_allowed: "Hono routes an unknown method like an unknown path: the app answers 404 not_found",
};

/** Routes that honour Idempotency-Key (the `idempotent` middleware, or for redemptions the code's ledger), as the issue lists them. */
const IDEMPOTENT: [Method, string][] = [
  ["post", "/v1/admin/products"],
  ["post", "/v1/admin/skus/{skuId}/stock"],
  ["post", "/v1/admin/partners"],
  ["post", "/v1/shops/{shop}/orders"],
  ["post", "/v1/partner/redemptions"],
  ["post", "/v1/admin/staff"],
  ["post", "/v1/admin/products/{productId}/skus"],
  ["post", "/v1/admin/orders/{orderId}/refund"],
  ["post", "/v1/admin/redemptions/{redemptionId}/reversal"],
  ["post", "/v1/admin/desk/redemptions"],
  ["post", "/v1/admin/partners/{partnerId}/keys"],
  ["post", "/v1/admin/channels"],
  ["post", "/v1/admin/channels/{channelId}/keys"],
  ["post", "/v1/admin/channels/{channelId}/top-ups"],
  ["post", "/v1/channel/orders"],
  ["post", "/v1/channel/webhooks"],
  ["post", "/v1/admin/orders/{orderId}/items/{itemId}/refund"],
  ["post", "/v1/admin/subscriptions/{subscriptionId}/cancel"],
  ["post", "/v1/shops/{shop}/orders/{orderId}/subscriptions/{subscriptionId}/cancel"],
];

const operationsOf = (document: Pick<OpenApiDocument, "paths">) =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );

/** What each register function adds, read from a fresh app that holds only that route. */
function registeredOperations(): string[][] {
  return ROUTES.map((register) => {
    const app = newApp();
    registerSecuritySchemes(app);
    register(app);
    const document = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "one route", version: "0" } });
    return operationsOf(document as unknown as OpenApiDocument);
  });
}

const routeTestSources = import.meta.glob<string>("./routes/*.test.ts", {
  query: "?raw",
  import: "default",
  eager: true,
});
const routeModules = import.meta.glob<Record<string, unknown>>("../../workers/routes/*/*.ts", { eager: true });

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document served as JSON", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.body.openapi).toBe("3.1.0");
    expect(res.body.info).toMatchObject({ title: "Tessera API", version: expect.any(String) });
  });

  it("lists exactly the routes registered in workers/routes/index.ts, one operation per route file", async () => {
    const perRoute = registeredOperations();
    for (const operations of perRoute) expect(operations).toHaveLength(1);
    const served = operationsOf(await openApiDocument());
    expect([...served].sort()).toEqual(perRoute.flat().sort());
  });

  it("registers every route file's register function (only /docs is mounted separately, by http.ts)", () => {
    const registers = Object.entries(routeModules).flatMap(([file, exports]) =>
      Object.entries(exports)
        .filter(([name, value]) => name.startsWith("register") && typeof value === "function")
        .map(([name, value]) => ({ file, name, value })),
    );
    expect(registers.length).toBeGreaterThanOrEqual(ROUTES.length);
    const unregistered = registers.filter(
      ({ name, value }) => name !== "registerDocs" && !ROUTES.includes(value as (typeof ROUTES)[number]),
    );
    expect(unregistered.map(({ file, name }) => `${name} in ${file}`)).toEqual([]);
  });

  it("has a test file under test/integration/routes for every route", () => {
    // Each route's file opens with `describe("METHOD /path", …)`.
    const tested = new Set<string>();
    for (const source of Object.values(routeTestSources)) {
      const title = /^describe\("([A-Z]+ \/[^"]*)"/m.exec(source)?.[1];
      if (title) tested.add(title);
    }
    expect(
      registeredOperations()
        .flat()
        .filter((operation) => !tested.has(operation)),
    ).toEqual([]);
  });

  it("gives every operation a summary, a tag and a success response", async () => {
    const document = await openApiDocument();
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods) as [
        string,
        { summary?: string; tags?: string[]; responses: object },
      ][]) {
        expect(operation.summary, `${method} ${path}`).toBeTruthy();
        expect(operation.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
        expect(
          Object.keys(operation.responses).some((status) => status.startsWith("2")),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
  });

  it("defines the Problem schema with the whole closed code enum", async () => {
    const document = await openApiDocument();
    const problem = document.components.schemas?.Problem as {
      properties: { code: { enum: string[] } };
      required: string[];
    };
    expect([...problem.properties.code.enum].sort()).toEqual([...ERROR_CODE_LIST].sort());
    expect(problem.required).toEqual(expect.arrayContaining(["type", "title", "status", "code", "requestId"]));
  });

  it("documents every error code on some route, except the ones listed as not answered (with why)", async () => {
    const document = await openApiDocument();
    const documented = new Set<string>();
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const method of Object.keys(methods)) {
        for (const [status, codes] of documentedCodes(document, method as Method, path)) {
          for (const code of codes) {
            // Each code sits under the one status the error table gives it.
            expect(ERROR_CODES[code as ErrorCode]?.status, `${code} on ${method} ${path}`).toBe(status);
            documented.add(code);
          }
        }
      }
    }
    const missing = ERROR_CODE_LIST.filter((code) => !documented.has(code));
    expect(missing.sort()).toEqual(Object.keys(NOT_ANSWERED).sort());
  });

  it("declares how to authenticate on every operation that can answer 401 unauthorized, and only there", async () => {
    const document = await openApiDocument();
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods) as [string, { security?: unknown[] }][]) {
        const answers401 =
          documentedCodes(document, method as Method, path)
            .get(401)
            ?.has("unauthorized") ?? false;
        expect((operation.security?.length ?? 0) > 0, `${method.toUpperCase()} ${path}`).toBe(answers401);
      }
    }
    expect(Object.keys(document.components.securitySchemes ?? {}).sort()).toEqual([
      "adminKey",
      "channelKey",
      "operatorKey",
      "orderToken",
      "partnerKey",
      "staffSession",
    ]);
  });

  it("documents the Idempotency-Key header on every route that honours it, and the webhook's signature header", async () => {
    const document = await openApiDocument();
    const headersOf = (method: Method, path: string) =>
      ((document.paths[path]?.[method] as { parameters?: { name: string; in: string }[] })?.parameters ?? [])
        .filter((p) => p.in === "header")
        .map((p) => p.name.toLowerCase());
    for (const [method, path] of IDEMPOTENT)
      expect(headersOf(method, path), `${method} ${path}`).toContain("idempotency-key");
    expect(headersOf("post", "/v1/webhooks/payments/sandbox")).toContain("tessera-signature");
  });
});

describe("GET /docs", () => {
  it("renders every operation and the whole error table as HTML under a strict CSP", async () => {
    const res = await call("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = res.body as string;

    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(html).not.toMatch(/<script/i);

    const document = await openApiDocument();
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const method of Object.keys(methods)) {
        expect(html, `${method} ${path}`).toContain(
          `<span class="method">${method.toUpperCase()}</span> <code>${path}</code>`,
        );
      }
    }
    for (const code of ERROR_CODE_LIST) {
      expect(html).toContain(
        `<tr id="error-${code}"><td><code>${code}</code></td><td>${ERROR_CODES[code].status}</td>`,
      );
    }
  });

  it("uses a fresh nonce for every response", async () => {
    const nonceOf = async () =>
      /'nonce-([^']+)'/.exec((await call("GET", "/docs")).headers.get("content-security-policy") ?? "")?.[1];
    expect(await nonceOf()).not.toBe(await nonceOf());
  });
});
