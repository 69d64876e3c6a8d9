import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createMerchant,
  createPartner,
  createProduct,
  placeOrder,
  signIn,
  stock,
  stockAccounts,
  type TestMerchant,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/skus/{skuId}/accounts");
const path = (skuId: string, query = "") => `/v1/admin/skus/${skuId}/accounts${query}`;

describe("GET /v1/admin/skus/{skuId}/accounts", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let skuId: string;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    skuId = (await createProduct(merchant, "shared_account")).skuId;
    await stockAccounts(merchant, skuId, [
      { code: "family-one@example.test", secret: "pw-one", seats: 3 },
      { code: "family-two@example.test", secret: "pw-two", seats: 2 },
    ]);
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("lists each credential, masked, with seats used and its cap, oldest first", async () => {
    expect((await placeOrder(merchant, [{ skuId, quantity: 1 }])).status).toBe(201);
    const res = await call("GET", path(skuId), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({
      data: [
        // The seat went to the credential with the most room: the first.
        {
          accountId: expect.stringMatching(/^unt_/),
          label: "fami•••••••••••••••test",
          seats: 3,
          used: 1,
          reserved: 1,
          sold: 0,
        },
        {
          accountId: expect.stringMatching(/^unt_/),
          label: "fami•••••••••••••••test",
          seats: 2,
          used: 0,
          reserved: 0,
          sold: 0,
        },
      ],
      nextCursor: null,
    });
    expect(JSON.stringify(res.body)).not.toContain("family-one");
    expect(JSON.stringify(res.body)).not.toContain("pw-one");
  });

  it("pages with limit and cursor, and reads with a staff session", async () => {
    const session = await signIn(merchant);
    const first = await call("GET", path(skuId, "?limit=1"), { headers: { cookie: session.cookie } });
    expectJson(first, 200);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.nextCursor).toBe(first.body.data[0].accountId);
    const second = await call("GET", path(skuId, `?limit=1&cursor=${first.body.nextCursor}`), {
      token: merchant.adminKey,
    });
    expect(second.body.data.map((a: { seats: number }) => a.seats)).toEqual([2]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("says a card-secret SKU holds no shared accounts", async () => {
    const card = (await createProduct(merchant, "card_secret")).skuId;
    await stock(merchant, card, 2);
    const res = await call("GET", path(card), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({ data: [], nextCursor: null });
  });

  it("answers an unknown SKU with 404 not_found, and a bad limit with 400", async () => {
    await route.expectProblem(await call("GET", path("sku_nope"), { token: merchant.adminKey }), "not_found");
    await route.expectProblem(
      await call("GET", path(skuId, "?limit=0"), { token: merchant.adminKey }),
      "validation_failed",
    );
  });

  it("answers another merchant's SKU exactly like a missing one", async () => {
    const foreign = await call("GET", path(skuId), { token: other.adminKey });
    const missing = await call("GET", path("sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", path(skuId), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
