import { beforeAll, describe, expect, it } from "vitest";
import { bundle, product, sellAsSubscription } from "../bundle-kit";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("put", "/v1/admin/skus/{skuId}/components");
const path = (skuId: string) => `/v1/admin/skus/${skuId}/components`;
const MISSING = "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6";

describe("PUT /v1/admin/skus/{skuId}/components", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let card: { productId: string; skuId: string };
  let voucher: { productId: string; skuId: string };
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
    card = await product(merchant, "card_secret", 2500);
    voucher = await product(merchant, "voucher", 1500);
  });

  const components = () => [
    { skuId: card.skuId, quantity: 1 },
    { skuId: voucher.skuId, quantity: 2 },
  ];
  const contents = async (productId: string) =>
    (await call("GET", `/v1/admin/products/${productId}`, { token: merchant.adminKey })).body.skus[0].components;

  it("composes a bundle: each component with its share of the bundle's price, audited, shown on the product", async () => {
    const pack = await product(merchant, "bundle", 4000);
    const res = await call("PUT", path(pack.skuId), { token: merchant.adminKey, json: { components: components() } });
    expectJson(res, 200);
    // List values 2500 and 3000 share 4000: 1818 and 2182.
    expect(res.body).toEqual({
      skuId: pack.skuId,
      price: { amount: 4000, currency: "CNY" },
      components: [
        expect.objectContaining({
          skuId: card.skuId,
          kind: "card_secret",
          quantity: 1,
          share: { amount: 1818, currency: "CNY" },
        }),
        expect.objectContaining({
          skuId: voucher.skuId,
          kind: "voucher",
          quantity: 2,
          share: { amount: 2182, currency: "CNY" },
        }),
      ],
    });
    expect((await contents(pack.productId)).map((c: { skuId: string }) => c.skuId)).toEqual([
      card.skuId,
      voucher.skuId,
    ]);
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "bundle.components_set",
      target: pack.skuId,
      detail: { components: components() },
    });
  });

  it("replaces what the bundle held; the same body again changes nothing", async () => {
    const pack = await bundle(merchant, 1000, components());
    const again = { components: [{ skuId: voucher.skuId, quantity: 3 }] };
    const first = await call("PUT", path(pack.skuId), { token: merchant.adminKey, json: again });
    const second = await call("PUT", path(pack.skuId), { token: merchant.adminKey, json: again });
    expectJson(second, 200);
    expect(second.body).toEqual(first.body);
    expect(await contents(pack.productId)).toEqual([expect.objectContaining({ skuId: voucher.skuId, quantity: 3 })]);
  });

  it("refuses what cannot go into a bundle with 400 validation_failed, naming the component", async () => {
    const pack = await product(merchant, "bundle", 1000);
    const inner = await bundle(merchant, 500, [{ skuId: voucher.skuId, quantity: 1 }]);
    const monthly = await product(merchant, "voucher", 900);
    await sellAsSubscription(merchant, monthly.skuId);
    for (const [body, at] of [
      [
        [
          { skuId: card.skuId, quantity: 1 },
          { skuId: card.skuId, quantity: 2 },
        ],
        "components.1.skuId",
      ],
      [[{ skuId: pack.skuId, quantity: 1 }], "components.0.skuId"],
      [[{ skuId: inner.skuId, quantity: 1 }], "components.0.skuId"],
      [[{ skuId: monthly.skuId, quantity: 1 }], "components.0.skuId"],
      [[{ skuId: card.skuId, quantity: 0 }], "components.0.quantity"],
      [[], "components"],
    ] as const) {
      const res = await call("PUT", path(pack.skuId), { token: merchant.adminKey, json: { components: body } });
      await route.expectProblem(res, "validation_failed");
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(at);
    }
    expect(await contents(pack.productId)).toEqual([]);
  });

  it("only a bundle's SKU holds components: another kind is 409 conflict", async () => {
    await route.expectProblem(
      await call("PUT", path(voucher.skuId), {
        token: merchant.adminKey,
        json: { components: [{ skuId: card.skuId, quantity: 1 }] },
      }),
      "conflict",
    );
  });

  it("answers another merchant's bundle, or a component of another merchant, exactly like a missing SKU", async () => {
    const pack = await product(merchant, "bundle", 1000);
    const foreign = await call("PUT", path(pack.skuId), { token: other.adminKey, json: { components: components() } });
    const missing = await call("PUT", path(MISSING), { token: other.adminKey, json: { components: components() } });
    await expectForeignLikeMissing(route, foreign, missing);
    const theirs = await product(other, "bundle", 1000);
    const foreignPart = await call("PUT", path(theirs.skuId), {
      token: other.adminKey,
      json: { components: components() },
    });
    const missingPart = await call("PUT", path(theirs.skuId), {
      token: other.adminKey,
      json: { components: [{ skuId: MISSING, quantity: 1 }] },
    });
    await expectForeignLikeMissing(route, foreignPart, missingPart);
    expect(await contents(pack.productId)).toEqual([]);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const pack = await product(merchant, "bundle", 1000);
    const answers = await byRole(team, (headers) =>
      call("PUT", path(pack.skuId), { headers, json: { components: components() } }),
    );
    expectJson(answers.owner, 200);
    expectJson(answers.operator, 200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: async (authorization) =>
      call("PUT", path(card.skuId), {
        headers: authorization ? { authorization } : {},
        json: { components: components() },
      }),
    otherKindKey: () => partnerKey,
    observe: async () => (await call("GET", `/v1/admin/products/${card.productId}`, { token: merchant.adminKey })).body,
  });

  it("refuses a staff session's write without its CSRF token (403 csrf_failed)", async () => {
    const pack = await product(merchant, "bundle", 1000);
    await route.expectProblem(
      await call("PUT", path(pack.skuId), {
        headers: { cookie: team.owner.cookie },
        json: { components: components() },
      }),
      "csrf_failed",
    );
    expect(await contents(pack.productId)).toEqual([]);
  });
});
