import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createProduct,
  createTeam,
  placeOrder,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("patch", "/v1/admin/skus/{skuId}");
const path = (id: string) => `/v1/admin/skus/${id}`;

describe("PATCH /v1/admin/skus/{skuId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let product: { productId: string; skuId: string };
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    product = await createProduct(merchant, "card_secret");
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("renames, reprices and sets the low-stock threshold; orders placed before keep their price", async () => {
    const before = await placeOrder(merchant, [{ skuId: product.skuId, quantity: 1 }]);
    expect(before.status).toBe(409); // no stock yet: nothing was sold at the old price
    const res = await call("PATCH", path(product.skuId), {
      token: merchant.adminKey,
      json: { name: "Monthly", price: { amount: 2990, currency: "CNY" }, lowStockThreshold: 10 },
    });
    expectJson(res, 200);
    expect(res.body).toEqual({
      id: product.skuId,
      name: "Monthly",
      price: { amount: 2990, currency: "CNY" },
      policy: { uses: 1, validDays: null, terms: null },
      available: 0,
      lowStockThreshold: 10,
      renewal: null,
    });
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "sku.updated",
      target: product.skuId,
      detail: { fields: ["name", "price", "lowStockThreshold"] },
    });
    const stock = await call("GET", "/v1/admin/stock", { token: merchant.adminKey });
    expect(stock.body.data).toContainEqual(
      expect.objectContaining({ skuId: product.skuId, lowStockThreshold: 10, low: true }),
    );
  });

  it("keeps the price of orders already placed", async () => {
    const voucher = await createProduct(merchant, "voucher");
    const placed = await placeOrder(merchant, [{ skuId: voucher.skuId, quantity: 1 }]);
    await call("PATCH", path(voucher.skuId), {
      token: merchant.adminKey,
      json: { price: { amount: 1, currency: "CNY" } },
    });
    const order = await call("GET", `/v1/admin/orders/${placed.body.id}`, { token: merchant.adminKey });
    expect(order.body.total).toEqual({ amount: 1999, currency: "CNY" });
  });

  it("clears the threshold with null, and refuses a negative one with 400 validation_failed", async () => {
    expect(
      (await call("PATCH", path(product.skuId), { token: merchant.adminKey, json: { lowStockThreshold: null } })).body
        .lowStockThreshold,
    ).toBeNull();
    await route.expectProblem(
      await call("PATCH", path(product.skuId), { token: merchant.adminKey, json: { lowStockThreshold: -1 } }),
      "validation_failed",
    );
  });

  it("changes a stored-value SKU's balance for later orders, and refuses terms of another form", async () => {
    const res = await call("POST", "/v1/admin/products", {
      token: merchant.adminKey,
      json: {
        name: "Gift card",
        kind: "stored_value",
        skus: [
          {
            name: "100",
            price: { amount: 10_000, currency: "CNY" },
            policy: { terms: { form: "balance", balance: 10_000 } },
          },
        ],
      },
    });
    const skuId = res.body.skus[0].id;
    const changed = await call("PATCH", path(skuId), {
      token: merchant.adminKey,
      json: { policy: { terms: { form: "balance", balance: 12_000 }, validDays: 365 } },
    });
    expectJson(changed, 200);
    expect(changed.body.policy).toEqual({ uses: 1, validDays: 365, terms: { form: "balance", balance: 12_000 } });
    const wrong = await call("PATCH", path(skuId), {
      token: merchant.adminKey,
      json: { policy: { terms: { form: "seats", seats: 2 } } },
    });
    await route.expectProblem(wrong, "invalid_policy");
    const cleared = await call("PATCH", path(skuId), { token: merchant.adminKey, json: { policy: { terms: null } } });
    await route.expectProblem(cleared, "invalid_policy");
    const read = await call("GET", `/v1/admin/products/${res.body.id}`, { token: merchant.adminKey });
    expect(read.body.skus[0].policy).toEqual({ uses: 1, validDays: 365, terms: { form: "balance", balance: 12_000 } });
  });

  it("answers another merchant's SKU exactly like a missing one", async () => {
    const foreign = await call("PATCH", path(product.skuId), { token: other.adminKey, json: { name: "Stolen" } });
    const missing = await call("PATCH", path("sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: other.adminKey,
      json: { name: "Stolen" },
    });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const answers = await byRole(team, (headers, member) =>
      call("PATCH", path(product.skuId), { headers, json: { name: member.role } }),
    );
    expectJson(answers.owner, 200);
    expectJson(answers.operator, 200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("PATCH", path(product.skuId), { headers: authorization ? { authorization } : {}, json: { name: "X" } }),
    otherKindKey: () => partnerKey,
    observe: async () =>
      (await call("GET", `/v1/admin/products/${product.productId}`, { token: merchant.adminKey })).body,
  });
});
