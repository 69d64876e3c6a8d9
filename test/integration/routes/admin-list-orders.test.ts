import { beforeAll, describe, expect, it } from "vitest";
import { asChannel, createChannel, createReseller, resellerOrder, setPrices } from "../channel-kit";
import {
  type ApiResponse,
  call,
  createMerchant,
  createPartner,
  createProduct,
  placeOrder,
  signIn,
  type TestMerchant,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/orders");

describe("GET /v1/admin/orders", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let partnerKey: string;
  const orderIds: string[] = [];

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    const { skuId } = await createProduct(merchant, "voucher");
    for (const email of ["a@example.test", "b@example.test", "A@Example.test"]) {
      orderIds.push((await placeOrder(merchant, [{ skuId, quantity: 1 }], email)).body.id);
    }
    const { skuId: otherSku } = await createProduct(other, "voucher");
    await placeOrder(other, [{ skuId: otherSku, quantity: 1 }]);
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("lists the merchant's orders newest first", async () => {
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data.map((o: { id: string }) => o.id)).toEqual([...orderIds].reverse());
    expect(res.body.data[0]).toMatchObject({
      status: "awaiting_payment",
      total: { amount: 1999, currency: "CNY" },
      payment: { provider: "sandbox", status: "pending" },
    });
    expect(res.body.data[0]).not.toHaveProperty("accessToken");
  });

  it("pages with limit and nextCursor, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await call("GET", `${route.path}?limit=1${cursor ? `&cursor=${cursor}` : ""}`, {
        token: merchant.adminKey,
      });
      expectJson(res, 200);
      expect(res.body.data).toHaveLength(1);
      seen.push(res.body.data[0].id);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...orderIds].reverse());
  });

  it("filters by status and by email, case-insensitively", async () => {
    const byEmail = await call("GET", `${route.path}?email=${encodeURIComponent("a@EXAMPLE.test")}`, {
      token: merchant.adminKey,
    });
    expect(byEmail.body.data.map((o: { id: string }) => o.id)).toEqual([orderIds[2], orderIds[0]]);
    const paid = await call("GET", `${route.path}?status=paid`, { token: merchant.adminKey });
    expectJson(paid, 200);
    expect(paid.body.data).toEqual([]);
  });

  it("filters by order id, and by creation date (whole days, in the time zone given)", async () => {
    const byId = await call("GET", `${route.path}?orderId=${orderIds[1]}`, { token: merchant.adminKey });
    expect(byId.body.data.map((o: { id: string }) => o.id)).toEqual([orderIds[1]]);
    const today = new Date().toISOString().slice(0, 10);
    const all = await call("GET", `${route.path}?from=${today}&to=${today}`, { token: merchant.adminKey });
    expect(all.body.data).toHaveLength(3);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const none = await call("GET", `${route.path}?from=${tomorrow}`, { token: merchant.adminKey });
    expect(none.body.data).toEqual([]);
    const instant = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const before = await call("GET", `${route.path}?to=${instant}&tz=Asia/Shanghai`, { token: merchant.adminKey });
    expect(before.body.data).toHaveLength(3);
  });

  it("refuses a malformed date, a date range backwards, or an unknown time zone with 400 validation_failed", async () => {
    for (const query of ["from=2026-02-30", "from=yesterday", "from=2026-03-02&to=2026-03-01", "tz=Mars/Olympus"]) {
      const res = await call("GET", `${route.path}?${query}`, { token: merchant.adminKey });
      await route.expectProblem(res, "validation_failed");
    }
  });

  it("refuses a bad limit or an unknown status with 400 validation_failed", async () => {
    const limit = await call("GET", `${route.path}?limit=1000`, { token: merchant.adminKey });
    await route.expectProblem(limit, "validation_failed");
    expect(limit.body.errors).toContainEqual({ path: "limit", message: expect.any(String) });
    const status = await call("GET", `${route.path}?status=lost`, { token: merchant.adminKey });
    await route.expectProblem(status, "validation_failed");
    expect(status.body.errors).toContainEqual({ path: "status", message: expect.any(String) });
  });

  it("reads with a staff session cookie", async () => {
    const session = await signIn(merchant);
    const res = await call("GET", route.path, { headers: { cookie: session.cookie } });
    expectJson(res, 200);
    expect(res.body.data).toHaveLength(3);
  });

  it("shows another merchant's key only that merchant's orders", async () => {
    const res = await call("GET", route.path, { token: other.adminKey });
    expectJson(res, 200);
    expect(res.body.data).toHaveLength(1);
    for (const id of orderIds) expect(res.body.data.map((o: { id: string }) => o.id)).not.toContain(id);
    // A cursor taken from this merchant's ids reveals nothing of it either.
    const cursor = await call("GET", `${route.path}?cursor=ord_ZZZZZZZZZZZZZZZZZZZZZZZZZZ`, { token: other.adminKey });
    for (const id of orderIds) expect(cursor.body.data.map((o: { id: string }) => o.id)).not.toContain(id);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});

describe("GET /v1/admin/orders by channel", () => {
  it("shows staff every channel's orders, and filters by one (`shop` for the shop's own)", async () => {
    const merchant = await createMerchant();
    const { skuId } = await createProduct(merchant, "voucher");
    const shopOrder = (await placeOrder(merchant, [{ skuId, quantity: 1 }])).body.id;
    const app = await createChannel(merchant, "app");
    const appOrder = (
      await call("POST", `/v1/shops/${merchant.slug}/orders`, {
        headers: asChannel(app),
        json: { email: "app@example.test", items: [{ skuId, quantity: 1 }] },
      })
    ).body.id;
    const reseller = await createReseller(merchant, 10_000);
    await setPrices(merchant, reseller.id, [{ skuId, price: 1000 }]);
    const resellerOrderId = (await resellerOrder(reseller, [{ skuId, quantity: 1 }])).body.id;
    const ids = async (query: string) =>
      (await call("GET", `/v1/admin/orders${query}`, { token: merchant.adminKey })).body.data.map(
        (order: { id: string }) => order.id,
      );
    expect(await ids("")).toEqual([resellerOrderId, appOrder, shopOrder]);
    expect(await ids(`?channelId=${reseller.id}`)).toEqual([resellerOrderId]);
    expect(await ids(`?channelId=${app.id}`)).toEqual([appOrder]);
    expect(await ids("?channelId=shop")).toEqual([shopOrder]);
    expect(await ids("?channelId=chn_01JD5ZQ8W4N3M2K1H0G9F8E7D6")).toEqual([]);
  });
});
