import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, type TestMerchant } from "../factories";
import { expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/shops/{shop}");

describe("GET /v1/shops/{shop}", () => {
  let merchant: TestMerchant;

  beforeAll(async () => {
    merchant = await createMerchant();
  });

  it("shows the shop's name and default language, nothing more", async () => {
    const res = await call("GET", `/v1/shops/${merchant.slug}`);
    expectJson(res, 200);
    expect(res.body).toEqual({ slug: merchant.slug, name: `Merchant ${merchant.slug}`, locale: "zh-CN" });
  });

  it("answers an unknown shop with 404 not_found", async () => {
    await route.expectProblem(await call("GET", "/v1/shops/no-such-shop"), "not_found");
  });

  it("needs no credentials, and a key changes nothing", async () => {
    const res = await call("GET", `/v1/shops/${merchant.slug}`, { token: merchant.adminKey });
    expect(res.body).toEqual({ slug: merchant.slug, name: `Merchant ${merchant.slug}`, locale: "zh-CN" });
    expect(JSON.stringify(res.body)).not.toContain(merchant.id);
  });
});
