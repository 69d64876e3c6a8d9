import { describe, expect, it } from "vitest";
import { call } from "../factories";
import { expectJson } from "./kit";

describe("GET /healthz", () => {
  it("answers 200 { ok: true } without credentials", async () => {
    const res = await call("GET", "/healthz");
    expectJson(res, 200);
    expect(res.body).toEqual({ ok: true });
  });

  it("answers a route that does not exist with 404 not_found problem+json", async () => {
    const res = await call("GET", "/v1/no-such-route");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: "not_found", requestId: res.headers.get("x-request-id") });
  });
});
