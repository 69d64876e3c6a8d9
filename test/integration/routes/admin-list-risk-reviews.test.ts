import { beforeAll, describe, expect, it } from "vitest";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createProduct,
  createTeam,
  type TestMerchant,
} from "../factories";
import { heldForReview, reviewingMerchant } from "../risk-kit";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/risk/reviews");

describe("GET /v1/admin/risk/reviews", () => {
  let merchant: TestMerchant;
  let held: { id: string };
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await reviewingMerchant();
    partnerKey = (await createPartner(merchant)).apiKey;
    const voucher = await createProduct(merchant, "voucher");
    held = await heldForReview(merchant, voucher.skuId);
  });

  it("lists held orders with their score, each rule's contribution and the signals", async () => {
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({
      data: [
        {
          orderId: held.id,
          email: expect.any(String),
          total: { amount: 1999, currency: "CNY" },
          items: [{ productName: expect.any(String), quantity: 1 }],
          stage: "review",
          score: 50,
          decision: "review",
          contributions: [{ rule: "region_mismatch_payment", points: 50, observed: "CN≠US", limit: null }],
          signals: { ip: "198.51.100.20", ipCountry: "CN", deviceId: null, cardCountry: "US" },
          createdAt: expect.any(String),
          paidAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
  });

  it("shows another merchant nothing of this one's, and every role may read it", async () => {
    const other = await createMerchant();
    expect((await call("GET", route.path, { token: other.adminKey })).body).toEqual({ data: [], nextCursor: null });
    const answers = await byRole(await createTeam(merchant), (headers) => call("GET", route.path, { headers }));
    for (const res of Object.values(answers))
      expect(res.body.data.map((row: { orderId: string }) => row.orderId)).toEqual([held.id]);
  });

  it("refuses a limit over 100 with 400", async () => {
    await route.expectProblem(
      await call("GET", `${route.path}?limit=101`, { token: merchant.adminKey }),
      "validation_failed",
    );
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
