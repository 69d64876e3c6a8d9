import { beforeAll, describe, expect, it } from "vitest";
import {
  buyAndDeliver,
  byRole,
  call,
  createMerchant,
  createPartner,
  createProduct,
  createTeam,
  eventually,
  placeOrder,
  type Role,
  stock,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/stock");

describe("GET /v1/admin/stock", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let card: { productId: string; skuId: string };
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 5);
    await call("PATCH", `/v1/admin/skus/${card.skuId}`, { token: merchant.adminKey, json: { lowStockThreshold: 3 } });
    await createProduct(merchant, "voucher");
    await createProduct(other, "card_secret");
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("lists every card-secret SKU's levels from the read model, flagged low at the threshold or under", async () => {
    const read = () => call("GET", route.path, { token: merchant.adminKey });
    const res = await read();
    expectJson(res, 200);
    expect(res.body.data).toEqual([
      {
        skuId: card.skuId,
        productName: expect.any(String),
        skuName: "Standard",
        kind: "card_secret",
        available: 5,
        reserved: 0,
        sold: 0,
        lowStockThreshold: 3,
        low: false,
      },
    ]);
    await buyAndDeliver(merchant, card.skuId);
    await placeOrder(merchant, [{ skuId: card.skuId, quantity: 1 }]);
    const after = await eventually(read, (r) => r.body.data[0].sold === 1 && r.body.data[0].reserved === 1);
    expect(after.body.data[0]).toMatchObject({ available: 3, reserved: 1, sold: 1, low: true });
  });

  it("shows only the merchant's own SKUs", async () => {
    const res = await call("GET", route.path, { token: other.adminKey });
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0].skuId).not.toBe(card.skuId);
  });

  it("is readable by every role", async () => {
    const answers = await byRole(team, (headers) => call("GET", route.path, { headers }));
    for (const res of Object.values(answers)) expectJson(res, 200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
