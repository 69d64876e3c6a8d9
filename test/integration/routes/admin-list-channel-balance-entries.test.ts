import { beforeAll, describe, expect, it } from "vitest";
import { createReseller, resellerOrder, setPrices, type TestReseller, topUp } from "../channel-kit";
import {
  adminOrder,
  byRole,
  call,
  createMerchant,
  createProduct,
  createTeam,
  listAll,
  type Role,
  stock,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/channels/{channelId}/balance-entries");
const path = (id: string) => `/v1/admin/channels/${id}/balance-entries`;
const cny = (amount: number) => ({ amount, currency: "CNY" });

describe("GET /v1/admin/channels/{channelId}/balance-entries", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let reseller: TestReseller;
  let orderId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    const card = await createProduct(merchant, "card_secret", undefined, 1000);
    await stock(merchant, card.skuId, 5);
    reseller = await createReseller(merchant, 5000);
    await setPrices(merchant, reseller.id, [{ skuId: card.skuId, price: 800 }]);
    const order = await resellerOrder(reseller, [{ skuId: card.skuId, quantity: 2 }]);
    orderId = order.body.id;
    await call("POST", `/v1/admin/orders/${orderId}/refund`, { token: merchant.adminKey, json: { reason: "test" } });
    await topUp(merchant, reseller.id, 300);
  });

  it("lists every movement newest first, each with the balance it left; the ledger adds up to the balance", async () => {
    const res = await call("GET", path(reseller.id), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(
      res.body.data.map((entry: { kind: string; amount: unknown; balanceAfter: unknown }) => [
        entry.kind,
        entry.amount,
        entry.balanceAfter,
      ]),
    ).toEqual([
      ["top_up", cny(300), cny(5300)],
      ["refund_credit", cny(1600), cny(5000)],
      ["order_debit", cny(-1600), cny(3400)],
      ["top_up", cny(5000), cny(5000)],
    ]);
    expect(res.body.data[1].orderId).toBe(orderId);
    expect((await adminOrder(merchant, orderId)).status).toBe("refunded");
    const all = await listAll(path(reseller.id), merchant.adminKey);
    const total = all.reduce((sum: number, entry: { amount: { amount: number } }) => sum + entry.amount.amount, 0);
    const balance = (await call("GET", `/v1/admin/channels/${reseller.id}`, { token: merchant.adminKey })).body.balance;
    expect(balance).toEqual(cny(total));
  });

  it("pages with a cursor", async () => {
    const first = await call("GET", `${path(reseller.id)}?limit=3`, { token: merchant.adminKey });
    expect(first.body.data).toHaveLength(3);
    const rest = await call("GET", `${path(reseller.id)}?limit=3&cursor=${first.body.nextCursor}`, {
      token: merchant.adminKey,
    });
    expect(rest.body.data.map((entry: { kind: string }) => entry.kind)).toEqual(["top_up"]);
    expect(rest.body.nextCursor).toBeNull();
  });

  it("answers another merchant's channel exactly like a missing one", async () => {
    const foreign = await call("GET", path(reseller.id), { token: other.adminKey });
    const missing = await call("GET", path("chn_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is readable by every role", async () => {
    const answers = await byRole(team, (headers) => call("GET", path(reseller.id), { headers }));
    for (const res of Object.values(answers)) expectJson(res, 200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", path(reseller.id), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => reseller.apiKey,
  });
});
