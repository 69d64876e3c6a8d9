import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createFlashSale,
  createMerchant,
  createPartner,
  createProduct,
  placeOrder,
  stock,
  type TestMerchant,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/flash-sales/{flashSaleId}");
const path = (id: string) => `/v1/admin/flash-sales/${id}`;

describe("GET /v1/admin/flash-sales/{flashSaleId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let partnerKey: string;
  let sale: { id: string };
  let skuId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    partnerKey = (await createPartner(merchant)).apiKey;
    skuId = (await createProduct(merchant, "card_secret")).skuId;
    await stock(merchant, skuId, 7);
    sale = await createFlashSale(merchant, skuId, { quota: 7, shards: 3, perCustomerLimit: 2 });
  });

  it("reads each shard's levels from the shard itself, at once", async () => {
    expect((await placeOrder(merchant, [{ skuId, quantity: 2 }], "reader@example.test")).status).toBe(201);
    const res = await call("GET", path(sale.id), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({ id: sale.id, status: "open", quota: 7, reserved: 2, sold: 0, remaining: 5 });
    expect(res.body.shardLevels).toHaveLength(3);
    expect(res.body.shardLevels.map((s: { shard: number }) => s.shard)).toEqual([0, 1, 2]);
    const sum = (key: "available" | "reserved") =>
      res.body.shardLevels.reduce((n: number, s: Record<string, number>) => n + (s[key] ?? 0), 0);
    expect({ available: sum("available"), reserved: sum("reserved") }).toEqual({ available: 5, reserved: 2 });
  });

  it("answers an unknown sale with 404 not_found", async () => {
    await route.expectProblem(await call("GET", path("fls_nope"), { token: merchant.adminKey }), "not_found");
  });

  it("answers another merchant's sale exactly like a missing one", async () => {
    const foreign = await call("GET", path(sale.id), { token: other.adminKey });
    const missing = await call("GET", path("fls_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", path(sale.id), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
