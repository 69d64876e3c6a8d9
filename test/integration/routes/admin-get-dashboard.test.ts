import { addDays, localDate } from "@tessera/domain";
import { beforeAll, describe, expect, it } from "vitest";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createProduct,
  createTeam,
  d1Rows,
  deliveredVoucher,
  eventually,
  placeOrder,
  type Role,
  redeem,
  stock,
  type TestMerchant,
  type TestStaff,
  unique,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/dashboard");
const TZ = "Asia/Shanghai";

describe("GET /v1/admin/dashboard", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partner: { apiKey: string };
  let low: { productId: string; skuId: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partner = await createPartner(merchant);
    // Two paid orders today (one refunded), one redeemed code, one unpaid order.
    const kept = await deliveredVoucher(merchant, { uses: 2 });
    await redeem(partner, kept.code);
    const refunded = await deliveredVoucher(merchant);
    await call("POST", `/v1/admin/orders/${refunded.orderId}/refund`, {
      token: merchant.adminKey,
      json: { reason: "r" },
    });
    await placeOrder(merchant, [{ skuId: kept.skuId, quantity: 1 }]);
    // A sale three days ago, straight into the ledger as the webhook would have written it.
    const earlier = Date.now() - 3 * 86_400_000;
    await d1Rows(
      "INSERT INTO ledger_entries (id, merchant_id, order_id, payment_id, kind, amount, currency, created_at) VALUES (?, ?, ?, ?, 'payment', 500, 'CNY', ?)",
      unique("led"),
      merchant.id,
      unique("ord"),
      unique("pay"),
      earlier,
    );
    low = await createProduct(merchant, "card_secret");
    await stock(merchant, low.skuId, 2);
    await call("PATCH", `/v1/admin/skus/${low.skuId}`, { token: merchant.adminKey, json: { lowStockThreshold: 5 } });
    const fine = await createProduct(merchant, "card_secret");
    await stock(merchant, fine.skuId, 9);
    await call("PATCH", `/v1/admin/skus/${fine.skuId}`, { token: merchant.adminKey, json: { lowStockThreshold: 5 } });
    await deliveredVoucher(other);
  });

  it("shows today's and this week's net sales, paid orders and redemptions, in the staff's time zone", async () => {
    const read = () => call("GET", `${route.path}?tz=${encodeURIComponent(TZ)}`, { token: merchant.adminKey });
    const res = await eventually(read, (r) => r.body?.today?.redemptions === 1);
    expectJson(res, 200);
    // Paid 1999 + 1999, refunded 1999: the ledger's net.
    expect(res.body.today).toEqual({ sales: { amount: 1999, currency: "CNY" }, orders: 2, redemptions: 1 });
    expect(res.body.timeZone).toBe(TZ);
    const today = localDate(Date.now(), TZ);
    expect(res.body.daily).toHaveLength(14);
    expect(res.body.daily[13]).toEqual({
      date: today,
      sales: { amount: 1999, currency: "CNY" },
      orders: 2,
      redemptions: 1,
    });
    expect(res.body.daily[0].date).toBe(addDays(today, -13));
    expect(
      res.body.daily.find((day: { date: string }) => day.date === localDate(Date.now() - 3 * 86_400_000, TZ)),
    ).toEqual({
      date: localDate(Date.now() - 3 * 86_400_000, TZ),
      sales: { amount: 500, currency: "CNY" },
      orders: 1,
      redemptions: 0,
    });
    const sumOfDays = res.body.daily.reduce(
      (total: number, day: { sales: { amount: number } }) => total + day.sales.amount,
      0,
    );
    expect(sumOfDays).toBe(2499);
    // This week holds today; whether it holds three days ago depends on the weekday.
    expect(res.body.week.sales.amount).toBeGreaterThanOrEqual(1999);
    expect(res.body.week.orders).toBeGreaterThanOrEqual(2);
  });

  it("lists SKUs at or under their low-stock threshold as alerts", async () => {
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expect(res.body.stockAlerts).toEqual([
      { skuId: low.skuId, productName: expect.any(String), skuName: "Standard", available: 2, lowStockThreshold: 5 },
    ]);
  });

  it("reads days in UTC when no time zone is given, and counts only the merchant's own business", async () => {
    const res = await call("GET", route.path, { token: other.adminKey });
    expect(res.body.timeZone).toBe("UTC");
    expect(res.body.today.orders).toBe(1);
    expect(res.body.today.sales).toEqual({ amount: 1999, currency: "CNY" });
    expect(res.body.stockAlerts).toEqual([]);
  });

  it("refuses an unknown time zone with 400 validation_failed", async () => {
    const res = await call("GET", `${route.path}?tz=Mars%2FOlympus`, { token: merchant.adminKey });
    await route.expectProblem(res, "validation_failed");
    expect(res.body.errors).toContainEqual({ path: "tz", message: expect.any(String) });
  });

  it("is for every role", async () => {
    const answers = await byRole(team, (headers) => call("GET", route.path, { headers }));
    for (const res of Object.values(answers)) expectJson(res, 200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partner.apiKey,
  });
});
