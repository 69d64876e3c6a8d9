import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, createPartner, createProduct, type TestMerchant } from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/products");

describe("GET /v1/admin/products", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let partnerKey: string;
  const productIds: string[] = [];

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    productIds.push((await createProduct(merchant, "card_secret")).productId);
    productIds.push((await createProduct(merchant, "voucher", { uses: 5, validDays: 365 })).productId);
    await createProduct(other, "voucher");
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("lists the merchant's products with their SKUs, newest first", async () => {
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([...productIds].reverse());
    expect(res.body.data[0]).toMatchObject({
      kind: "voucher",
      listed: true,
      skus: [{ id: expect.stringMatching(/^sku_/), policy: { uses: 5, validDays: 365 }, available: null }],
    });
    expect(res.body.data[1].skus[0]).toMatchObject({ policy: { uses: 1, validDays: null }, available: 0 });
  });

  it("pages with limit and nextCursor", async () => {
    const first = await call("GET", `${route.path}?limit=1`, { token: merchant.adminKey });
    expect(first.body.data.map((p: { id: string }) => p.id)).toEqual([productIds[1]]);
    expect(first.body.nextCursor).toEqual(productIds[1]);
    const second = await call("GET", `${route.path}?limit=1&cursor=${first.body.nextCursor}`, {
      token: merchant.adminKey,
    });
    expect(second.body.data.map((p: { id: string }) => p.id)).toEqual([productIds[0]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("refuses a limit out of range with 400 validation_failed", async () => {
    for (const limit of ["0", "101", "many"]) {
      const res = await call("GET", `${route.path}?limit=${limit}`, { token: merchant.adminKey });
      await route.expectProblem(res, "validation_failed");
      expect(res.body.errors).toContainEqual({ path: "limit", message: expect.any(String) });
    }
  });

  it("shows another merchant's key only that merchant's products", async () => {
    const res = await call("GET", route.path, { token: other.adminKey });
    expectJson(res, 200);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data.map((p: { id: string }) => p.id)).not.toContain(productIds[0]);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
