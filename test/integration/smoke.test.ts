import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("serves health", async () => {
  const r = await exports.default.fetch("http://x/healthz");
  expect(r.status).toBe(200);
  const doc = await exports.default.fetch("http://x/openapi.json");
  expect(doc.status).toBe(200);
});
