import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createFlashSale,
  createMerchant,
  createPartner,
  createProduct,
  eventually,
  placeOrder,
  signIn,
  type TestMerchant,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/flash-sales");

describe("GET /v1/admin/flash-sales", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let partnerKey: string;
  let first: { id: string };
  let second: { id: string };
  let voucherSku: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    partnerKey = (await createPartner(merchant)).apiKey;
    voucherSku = (await createProduct(merchant, "voucher")).skuId;
    const later = (await createProduct(merchant, "voucher")).skuId;
    first = await createFlashSale(merchant, voucherSku, { quota: 5, shards: 2 });
    second = await createFlashSale(merchant, later, { quota: 2, startsAt: Date.now() + 3_600_000 });
  });

  it("lists sales newest first with status and what their shards report", async () => {
    expect((await placeOrder(merchant, [{ skuId: voucherSku, quantity: 1 }])).status).toBe(201);
    const res = await eventually(
      () => call("GET", route.path, { token: merchant.adminKey }),
      (r) => r.body.data?.[1]?.reserved === 1,
    );
    expectJson(res, 200);
    expect(res.body.data.map((sale: { id: string }) => sale.id)).toEqual([second.id, first.id]);
    expect(res.body.data[0]).toMatchObject({ status: "scheduled", quota: 2, remaining: 2 });
    expect(res.body.data[1]).toMatchObject({ status: "open", quota: 5, reserved: 1, sold: 0, remaining: 4 });
    expect(res.body.nextCursor).toBeNull();
  });

  it("filters by SKU and pages with limit and cursor; reads with a staff session", async () => {
    const bySku = await call("GET", `${route.path}?skuId=${voucherSku}`, { token: merchant.adminKey });
    expect(bySku.body.data.map((sale: { id: string }) => sale.id)).toEqual([first.id]);
    const session = await signIn(merchant);
    const page = await call("GET", `${route.path}?limit=1`, { headers: { cookie: session.cookie } });
    expectJson(page, 200);
    expect(page.body.data).toHaveLength(1);
    const next = await call("GET", `${route.path}?limit=1&cursor=${page.body.nextCursor}`, {
      token: merchant.adminKey,
    });
    expect(next.body.data.map((sale: { id: string }) => sale.id)).toEqual([first.id]);
  });

  it("refuses a bad limit with 400 validation_failed", async () => {
    await route.expectProblem(
      await call("GET", `${route.path}?limit=0`, { token: merchant.adminKey }),
      "validation_failed",
    );
  });

  it("shows another merchant none of them, even filtered by the owner's SKU", async () => {
    const res = await call("GET", `${route.path}?skuId=${voucherSku}`, { token: other.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({ data: [], nextCursor: null });
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
