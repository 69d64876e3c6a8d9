import { describe, expect, it } from "vitest";
import { call } from "../factories";

describe("GET /docs", () => {
  it("serves the API reference as HTML under a strict Content-Security-Policy", async () => {
    const res = await call("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(res.body).toContain("<h1>Tessera API</h1>");
  });
});
