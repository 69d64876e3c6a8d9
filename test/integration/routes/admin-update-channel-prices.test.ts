import { beforeAll, describe, expect, it } from "vitest";
import { createReseller, resellerOrder, shopChannelOf, type TestReseller } from "../channel-kit";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createProduct,
  createTeam,
  type Role,
  stock,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("patch", "/v1/admin/channels/{channelId}/prices");
const path = (id: string) => `/v1/admin/channels/${id}/prices`;
const cny = (amount: number) => ({ amount, currency: "CNY" });

describe("PATCH /v1/admin/channels/{channelId}/prices", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let reseller: TestReseller;
  let card: { skuId: string };
  let voucher: { skuId: string };
  let foreignSku: { skuId: string };

  const lines = async (channelId: string) =>
    Object.fromEntries(
      (await call("GET", `${path(channelId)}?limit=100`, { token: merchant.adminKey })).body.data.map(
        (line: { skuId: string }) => [line.skuId, line],
      ),
    );

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    card = await createProduct(merchant, "card_secret", undefined, 1000);
    await stock(merchant, card.skuId, 10);
    voucher = await createProduct(merchant, "voucher", { uses: 1 }, 3000);
    foreignSku = await createProduct(other, "voucher");
    reseller = await createReseller(merchant, 50_000);
  });

  it("sets prices and quotas in bulk, then removes an entry; the reseller's catalog follows; audited", async () => {
    const res = await call("PATCH", path(reseller.id), {
      token: merchant.adminKey,
      json: {
        set: [
          { skuId: card.skuId, price: cny(650), quota: 5 },
          { skuId: voucher.skuId, price: null, quota: null },
        ],
      },
    });
    expectJson(res, 200);
    expect(res.body).toEqual({ set: 2, removed: 0 });
    let now = await lines(reseller.id);
    expect(now[card.skuId]).toMatchObject({ price: cny(650), quota: 5, inPriceList: true });
    expect(now[voucher.skuId]).toMatchObject({ price: cny(3000), ownPrice: null, quota: null, inPriceList: true });
    const catalog = (await call("GET", "/v1/channel/catalog", { token: reseller.apiKey })).body.data;
    expect(catalog.flatMap((p: { skus: { id: string }[] }) => p.skus.map((s) => s.id)).sort()).toEqual(
      [card.skuId, voucher.skuId].sort(),
    );
    const removed = await call("PATCH", path(reseller.id), {
      token: merchant.adminKey,
      json: { set: [], remove: [voucher.skuId] },
    });
    expect(removed.body).toEqual({ set: 0, removed: 1 });
    now = await lines(reseller.id);
    expect(now[voucher.skuId]).toMatchObject({ inPriceList: false, price: null });
    expect((await auditLog(merchant)).find((entry) => entry.action === "channel.prices_updated")).toMatchObject({
      target: reseller.id,
      detail: { set: 0, removed: 1 },
    });
  });

  it("keeps the units already sold when an entry is edited, and refuses a quota below them (409)", async () => {
    await call("PATCH", path(reseller.id), {
      token: merchant.adminKey,
      json: { set: [{ skuId: card.skuId, price: cny(650), quota: 5 }] },
    });
    expectJson(await resellerOrder(reseller, [{ skuId: card.skuId, quantity: 3 }]), 201);
    const edited = await call("PATCH", path(reseller.id), {
      token: merchant.adminKey,
      json: { set: [{ skuId: card.skuId, price: cny(600), quota: 4 }] },
    });
    expectJson(edited, 200);
    expect((await lines(reseller.id))[card.skuId]).toMatchObject({ price: cny(600), quota: 4, sold: 3, remaining: 1 });
    const below = await call("PATCH", path(reseller.id), {
      token: merchant.adminKey,
      json: { set: [{ skuId: card.skuId, price: cny(500), quota: 2 }] },
    });
    await route.expectProblem(below, "conflict");
    expect((await lines(reseller.id))[card.skuId]).toMatchObject({ price: cny(600), quota: 4 });
  });

  it("for the shop, a price is the SKU's list price itself", async () => {
    const shop = await shopChannelOf(merchant);
    expectJson(
      await call("PATCH", path(shop.id), {
        token: merchant.adminKey,
        json: { set: [{ skuId: voucher.skuId, price: cny(2900), quota: 10 }] },
      }),
      200,
    );
    const product = (await call("GET", `/v1/shops/${merchant.slug}/products`)).body.data.find(
      (p: { skus: { id: string }[] }) => p.skus[0]?.id === voucher.skuId,
    );
    expect(product.skus[0].price).toEqual(cny(2900));
    expect((await lines(shop.id))[voucher.skuId]).toMatchObject({ price: cny(2900), ownPrice: null, quota: 10 });
  });

  it("changes nothing when one entry is wrong: a foreign SKU (404), another currency or a repeat (400)", async () => {
    const before = await lines(reseller.id);
    const foreign = await call("PATCH", path(reseller.id), {
      token: merchant.adminKey,
      json: {
        set: [
          { skuId: voucher.skuId, price: cny(1), quota: null },
          { skuId: foreignSku.skuId, price: cny(1), quota: null },
        ],
      },
    });
    await route.expectProblem(foreign, "not_found");
    const usd = await call("PATCH", path(reseller.id), {
      token: merchant.adminKey,
      json: { set: [{ skuId: voucher.skuId, price: { amount: 1, currency: "USD" }, quota: null }] },
    });
    await route.expectProblem(usd, "validation_failed");
    expect(usd.body.errors[0].path).toBe("set.0.price.currency");
    const twice = await call("PATCH", path(reseller.id), {
      token: merchant.adminKey,
      json: { set: [{ skuId: voucher.skuId, price: cny(1), quota: null }], remove: [voucher.skuId] },
    });
    await route.expectProblem(twice, "validation_failed");
    const negative = await call("PATCH", path(reseller.id), {
      token: merchant.adminKey,
      json: { set: [{ skuId: voucher.skuId, price: cny(1), quota: -1 }] },
    });
    await route.expectProblem(negative, "validation_failed");
    expect(await lines(reseller.id)).toEqual(before);
  });

  it("answers another merchant's channel exactly like a missing one", async () => {
    const json = { set: [{ skuId: card.skuId, price: cny(1), quota: null }] };
    const foreign = await call("PATCH", path(reseller.id), { token: other.adminKey, json });
    const missing = await call("PATCH", path("chn_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey, json });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is for owners and operators: finance and support get 403 forbidden", async () => {
    const answers = await byRole(team, (headers, member) =>
      call("PATCH", path(reseller.id), {
        headers,
        json: { set: [{ skuId: voucher.skuId, price: cny(member.role.length * 100), quota: null }] },
      }),
    );
    expectJson(answers.owner, 200);
    expectJson(answers.operator, 200);
    await route.expectProblem(answers.finance, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect((await lines(reseller.id))[voucher.skuId].price).toEqual(cny(800));
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("PATCH", path(reseller.id), {
        headers: authorization ? { authorization } : {},
        json: { set: [{ skuId: card.skuId, price: cny(1), quota: null }] },
      }),
    otherKindKey: () => reseller.apiKey,
    observe: () => lines(reseller.id),
  });
});
