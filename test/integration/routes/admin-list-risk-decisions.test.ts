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

const route = routeUnderTest("get", "/v1/admin/risk/decisions");

describe("GET /v1/admin/risk/decisions", () => {
  let merchant: TestMerchant;
  let partnerKey: string;
  let approved: string;
  let waiting: string;

  beforeAll(async () => {
    merchant = await reviewingMerchant();
    partnerKey = (await createPartner(merchant)).apiKey;
    const voucher = await createProduct(merchant, "voucher");
    approved = (await heldForReview(merchant, voucher.skuId)).id;
    waiting = (await heldForReview(merchant, voucher.skuId)).id;
    await call("POST", `/v1/admin/risk/reviews/${approved}/approve`, {
      token: merchant.adminKey,
      json: { note: "Called the buyer" },
    });
  });

  it("lists the rules' decisions and who overruled what, newest first", async () => {
    const res = await call("GET", route.path, { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body.data).toEqual([
      {
        id: expect.stringMatching(/^rdc_/),
        orderId: approved,
        action: "approve",
        actor: expect.stringMatching(/^key:/),
        automatic: false,
        overruled: "review",
        note: "Called the buyer",
        score: 50,
        createdAt: expect.any(String),
      },
      expect.objectContaining({ orderId: waiting, action: "review", actor: "system", automatic: true, score: 50 }),
      expect.objectContaining({ orderId: approved, action: "review", actor: "system", overruled: null }),
    ]);
  });

  it("filters by order, and shows another merchant nothing", async () => {
    const one = await call("GET", `${route.path}?orderId=${waiting}`, { token: merchant.adminKey });
    expect(one.body.data.map((entry: { action: string }) => entry.action)).toEqual(["review"]);
    const other = await createMerchant();
    expect((await call("GET", route.path, { token: other.adminKey })).body.data).toEqual([]);
    expect((await call("GET", `${route.path}?orderId=${waiting}`, { token: other.adminKey })).body.data).toEqual([]);
  });

  it("every role may read it", async () => {
    const answers = await byRole(await createTeam(merchant), (headers) => call("GET", route.path, { headers }));
    for (const res of Object.values(answers)) expect(res.body.data).toHaveLength(3);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) => call("GET", route.path, { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
