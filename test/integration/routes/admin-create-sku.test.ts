import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createProduct,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
  unique,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/products/{productId}/skus");
const path = (id: string) => `/v1/admin/products/${id}/skus`;
const skuCount = async (merchant: TestMerchant, productId: string) =>
  (await call("GET", `/v1/admin/products/${productId}`, { token: merchant.adminKey })).body.skus.length;

describe("POST /v1/admin/products/{productId}/skus", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let product: { productId: string; skuId: string };
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    product = await createProduct(merchant, "voucher");
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("adds a SKU with its price and policy, sellable at once", async () => {
    const res = await call("POST", path(product.productId), {
      token: merchant.adminKey,
      json: { name: "10 washes", price: { amount: 18800, currency: "CNY" }, policy: { uses: 10, validDays: 365 } },
    });
    expectJson(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^sku_/),
      name: "10 washes",
      price: { amount: 18800, currency: "CNY" },
      policy: { uses: 10, validDays: 365, terms: null },
      available: null,
      lowStockThreshold: null,
      renewal: null,
    });
    const order = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      json: { email: "buyer@example.test", items: [{ skuId: res.body.id, quantity: 1 }] },
    });
    expect(order.body.total).toEqual({ amount: 18800, currency: "CNY" });
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "sku.created",
      target: res.body.id,
      detail: { productId: product.productId },
    });
  });

  it("replays the same Idempotency-Key instead of adding a second SKU", async () => {
    const before = await skuCount(merchant, product.productId);
    const key = unique("sku");
    const first = await call("POST", path(product.productId), {
      token: merchant.adminKey,
      json: { name: "Once", price: { amount: 100, currency: "CNY" } },
      headers: { "idempotency-key": key },
    });
    const again = await call("POST", path(product.productId), {
      token: merchant.adminKey,
      json: { name: "Once", price: { amount: 100, currency: "CNY" } },
      headers: { "idempotency-key": key },
    });
    expect(again.body).toEqual(first.body);
    expect(await skuCount(merchant, product.productId)).toBe(before + 1);
  });

  it("refuses a negative price or a missing name with 400 validation_failed", async () => {
    const res = await call("POST", path(product.productId), {
      token: merchant.adminKey,
      json: { price: { amount: -1, currency: "CNY" } },
    });
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(["name", "price.amount"]);
  });

  it("answers another merchant's product exactly like a missing one", async () => {
    const body = { name: "Theirs", price: { amount: 1, currency: "CNY" } };
    const foreign = await call("POST", path(product.productId), { token: other.adminKey, json: body });
    const missing = await call("POST", path("prd_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey, json: body });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const before = await skuCount(merchant, product.productId);
    const answers = await byRole(team, (headers, member) =>
      call("POST", path(product.productId), {
        headers,
        json: { name: member.role, price: { amount: 100, currency: "CNY" } },
      }),
    );
    expectJson(answers.owner, 201);
    expectJson(answers.operator, 201);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect(await skuCount(merchant, product.productId)).toBe(before + 2);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", path(product.productId), {
        headers: authorization ? { authorization } : {},
        json: { name: "X", price: { amount: 1, currency: "CNY" } },
      }),
    otherKindKey: () => partnerKey,
    observe: () => skuCount(merchant, product.productId),
  });
});
