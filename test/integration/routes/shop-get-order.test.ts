import { beforeAll, describe, expect, it } from "vitest";
import { asChannel, createChannel } from "../channel-kit";
import {
  call,
  createMerchant,
  createPartner,
  createProduct,
  deliveredForm,
  eventually,
  getOrder,
  pay,
  placeOrder,
  stock,
  type TestMerchant,
} from "../factories";
import { expectForeignLikeMissing, expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/shops/{shop}/orders/{orderId}");
const path = (shop: string, orderId: string) => `/v1/shops/${shop}/orders/${orderId}`;

describe("GET /v1/shops/{shop}/orders/{orderId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let skuId: string;
  let order: { id: string; accessToken: string; payment: { id: string } };
  let second: { id: string; accessToken: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    skuId = (await createProduct(merchant, "card_secret")).skuId;
    await stock(merchant, skuId, 3, "SHOPCARD");
    order = (await placeOrder(merchant, [{ skuId, quantity: 1 }])).body;
    second = (await placeOrder(merchant, [{ skuId, quantity: 1 }], "second@example.test")).body;
  });

  it("shows the buyer the order awaiting payment, with no codes yet", async () => {
    const res = await call("GET", path(merchant.slug, order.id), { token: order.accessToken });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      id: order.id,
      status: "awaiting_payment",
      deliveries: [],
      payment: { id: order.payment.id, status: "pending" },
    });
    expect(res.body).not.toHaveProperty("accessToken");
  });

  it("shows the codes, secrets and instructions once paid", async () => {
    expect((await pay(order.payment.id)).status).toBe(200);
    const res = await eventually(
      () => call("GET", path(merchant.slug, order.id), { token: order.accessToken }),
      (r) => r.body?.status === "fulfilled",
    );
    expectJson(res, 200);
    expect(res.body.deliveries).toEqual([
      {
        skuId,
        productName: expect.any(String),
        code: expect.stringMatching(/^SHOPCARD-\d$/),
        secret: expect.stringMatching(/^S\d$/),
        instructions: "How to use card_secret",
      },
    ]);
  });

  it("shows what each minted code has left: a stored value's balance, a licence's seats, a time card not yet started", async () => {
    const partner = await createPartner(merchant);
    const card = await deliveredForm(merchant, { form: "balance", balance: 8_000 }, { quantity: 2 });
    const spent = await call("POST", "/v1/partner/redemptions", {
      token: partner.apiKey,
      json: { code: card.codes[0], amount: 3_000 },
    });
    expect(spent.status).toBe(201);
    const read = await eventually(
      () => getOrder(merchant, card.orderId, card.accessToken),
      (res) =>
        res.body?.deliveries?.some(
          (d: { usage?: { balance?: { amount: number } } }) => d.usage?.balance?.amount === 5_000,
        ),
    );
    expectJson(read, 200);
    const usage = Object.fromEntries(
      read.body.deliveries.map((d: { code: string; usage: unknown }) => [d.code, d.usage]),
    );
    expect(usage[card.codes[0] as string]).toEqual({
      status: "active",
      remainingUses: 1,
      validUntil: null,
      balance: { amount: 5_000, currency: "CNY" },
      balanceTotal: { amount: 8_000, currency: "CNY" },
    });
    expect(usage[card.codes[1] as string]).toMatchObject({ balance: { amount: 8_000, currency: "CNY" } });

    const licence = await deliveredForm(merchant, { form: "seats", seats: 3 });
    await call("POST", "/v1/partner/activations", {
      token: partner.apiKey,
      json: { code: licence.code, deviceId: "pc" },
    });
    const seats = await eventually(
      () => getOrder(merchant, licence.orderId, licence.accessToken),
      (res) => res.body?.deliveries?.[0]?.usage?.seats?.used === 1,
    );
    expect(seats.body.deliveries[0].usage).toEqual({
      status: "active",
      remainingUses: 1,
      validUntil: null,
      seats: { total: 3, used: 1 },
    });

    const pass = await deliveredForm(merchant, {
      form: "time",
      durationSeconds: 30 * 86_400,
      start: "activation",
      weekdays: null,
      hours: null,
      timeZone: "Asia/Shanghai",
    });
    const unused = await eventually(
      () => getOrder(merchant, pass.orderId, pass.accessToken),
      (res) => res.body?.deliveries?.[0]?.usage !== undefined,
    );
    expect(unused.body.deliveries[0].usage).toEqual({
      status: "active",
      remainingUses: 1,
      validUntil: null,
      activatedAt: null,
    });
  });

  it("answers an unknown order with 404 not_found", async () => {
    await route.expectProblem(
      await call("GET", path(merchant.slug, "ord_missing"), { token: order.accessToken }),
      "not_found",
    );
  });

  it("refuses a request without the access token with 401 unauthorized", async () => {
    await route.expectProblem(await call("GET", path(merchant.slug, order.id)), "unauthorized");
    await route.expectProblem(
      await call("GET", path(merchant.slug, order.id), { headers: { authorization: `Basic ${order.accessToken}` } }),
      "unauthorized",
    );
  });

  it("answers a wrong token, another order's token, or the wrong shop exactly like a missing order", async () => {
    const missing = await call("GET", path(merchant.slug, "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: order.accessToken,
    });
    await expectForeignLikeMissing(
      route,
      await call("GET", path(merchant.slug, order.id), { token: "garbage" }),
      missing,
    );
    await expectForeignLikeMissing(
      route,
      await call("GET", path(merchant.slug, order.id), { token: second.accessToken }),
      missing,
    );
    const otherShop = await call("GET", path(other.slug, order.id), { token: order.accessToken });
    const otherShopMissing = await call("GET", path(other.slug, "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: order.accessToken,
    });
    await expectForeignLikeMissing(route, otherShop, otherShopMissing);
    const unknownShop = await call("GET", path("no-such-shop", order.id), { token: order.accessToken });
    await route.expectProblem(unknownShop, "not_found");
  });
});

describe("GET /v1/shops/{shop}/orders/{orderId} through a channel (X-Channel-Key)", () => {
  it("shows an app's order, codes included, only through that app: through the shop or another app it is missing", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    const app = await createChannel(merchant, "app");
    const mini = await createChannel(merchant, "mini_program");
    const placed = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      headers: asChannel(app),
      json: { email: "app@example.test", items: [{ skuId: voucher.skuId, quantity: 1 }] },
    });
    await pay(placed.body.payment.id);
    const url = path(merchant.slug, placed.body.id);
    const viaApp = await eventually(
      () => call("GET", url, { token: placed.body.accessToken, headers: asChannel(app) }),
      (res) => res.body?.status === "fulfilled",
    );
    expectJson(viaApp, 200);
    expect(viaApp.body.deliveries).toHaveLength(1);
    const missing = await call("GET", path(merchant.slug, "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: placed.body.accessToken,
    });
    for (const headers of [{}, asChannel(mini)]) {
      const elsewhere = await call("GET", url, { token: placed.body.accessToken, headers });
      await expectForeignLikeMissing(route, elsewhere, missing);
      expect(JSON.stringify(elsewhere.body)).not.toContain(viaApp.body.deliveries[0].code);
    }
  });
});
