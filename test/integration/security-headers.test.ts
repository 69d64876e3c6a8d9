import { describe, expect, it } from "vitest";
import { call, createMerchant } from "./factories";

/** What every API answer carries, success or problem, whatever the route. */
function expectApiHeaders(headers: Headers) {
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  expect(headers.get("x-frame-options")).toBe("DENY");
  expect(headers.get("referrer-policy")).toBe("no-referrer");
  expect(headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
  expect(headers.get("cross-origin-resource-policy")).toBe("same-origin");
  expect(headers.get("content-security-policy")).toBe(
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  );
  expect(headers.get("permissions-policy")).toContain("camera=()");
}

describe("security headers", () => {
  it("every API answer carries nosniff, no framing, no referrer, HSTS and a locked-down CSP, and is not stored", async () => {
    const merchant = await createMerchant();
    const answers = [
      await call("GET", "/healthz"),
      await call("GET", `/v1/shops/${merchant.slug}/products`),
      await call("GET", "/v1/admin/orders", { token: merchant.adminKey }),
      await call("GET", "/v1/admin/orders"),
      await call("POST", "/v1/admin/sessions", { json: {} }),
      await call("GET", "/v1/no-such-route"),
      await call("GET", "/openapi.json"),
    ];
    for (const res of answers) expectApiHeaders(res.headers);
    for (const res of answers.slice(1, 6)) expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("/docs, the one page the Worker serves, keeps its own strict CSP (with a nonce for its style) and the other headers", async () => {
    const res = await call("GET", "/docs");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'nonce-[^']+'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });
});
