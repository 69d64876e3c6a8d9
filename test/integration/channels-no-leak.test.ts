import { beforeAll, describe, expect, it } from "vitest";
import { type Document, routesOf } from "../support/openapi";
import { payWith, product, sellAsSubscription } from "./bundle-kit";
import {
  asChannel,
  createChannel,
  createReseller,
  receivedBy,
  registerReceiver,
  resellerOrder,
  setPrices,
  shopChannelOf,
  type TestChannel,
  type TestReseller,
} from "./channel-kit";
import {
  type ApiResponse,
  call,
  createMerchant,
  createProduct,
  eventually,
  pay,
  stock,
  type TestMerchant,
} from "./factories";

/**
 * No 窜货: a SKU's price in one channel never shows in another. Every channel gets its own,
 * distinctive price for each SKU; then every route of /openapi.json under /v1/channel (as each
 * reseller, with its own ids and with the others') and under /v1/shops (as the shop, the
 * mini-program and the app, each with its own orders and with the others') is called, and each
 * answer is searched for the prices of every other channel. The search must find the caller's
 * own prices (so it can fail), and a route the walk does not know fails the test by name.
 */

type Observer = "shop" | "mini" | "app" | "resellerA" | "resellerB";
const PRICES: Record<Observer, { voucher: number; card: number }> = {
  shop: { voucher: 10_007, card: 10_009 },
  mini: { voucher: 20_011, card: 20_021 },
  app: { voucher: 30_011, card: 30_013 },
  resellerA: { voucher: 40_009, card: 40_013 },
  resellerB: { voucher: 50_021, card: 50_023 },
};

/** A monthly subscription, sold to consumers only (a reseller is not offered it). */
const SUBSCRIPTION_PRICES: Record<"shop" | "mini" | "app", number> = { shop: 10_039, mini: 20_063, app: 30_029 };

const numbers = (text: string) => new Set([...text.matchAll(/(?<![0-9])[0-9]+(?![0-9])/g)].map((m) => Number(m[0])));
const othersPrices = (observer: Observer) =>
  (Object.keys(PRICES) as Observer[])
    .filter((other) => other !== observer)
    .flatMap((other) => [
      PRICES[other].voucher,
      PRICES[other].card,
      ...(other in SUBSCRIPTION_PRICES ? [SUBSCRIPTION_PRICES[other as keyof typeof SUBSCRIPTION_PRICES]] : []),
    ]);

let merchant: TestMerchant;
let voucher: { skuId: string; productId: string };
let card: { skuId: string; productId: string };
let monthly: { skuId: string; productId: string };
const subscriptions: Partial<Record<"shop" | "mini" | "app", { orderId: string; token: string; id: string }>> = {};
const consumer: Partial<Record<"shop" | "mini" | "app", TestChannel>> = {};
const resellers: Partial<Record<"resellerA" | "resellerB", TestReseller>> = {};
const orders: Partial<Record<Observer, { id: string; accessToken?: string }>> = {};
const hooks: Partial<Record<"resellerA" | "resellerB", { id: string; name: string }>> = {};
let doc: Document;

interface Seen {
  observer: Observer;
  label: string;
  res: ApiResponse;
}
const seen: Seen[] = [];

async function look(observer: Observer, label: string, send: () => Promise<ApiResponse>) {
  seen.push({ observer, label, res: await send() });
}

beforeAll(async () => {
  doc = (await call("GET", "/openapi.json")).body as Document;
  merchant = await createMerchant();
  voucher = await createProduct(merchant, "voucher", { uses: 1 }, PRICES.shop.voucher);
  card = await createProduct(merchant, "card_secret", undefined, PRICES.shop.card);
  await stock(merchant, card.skuId, 20);
  monthly = await product(merchant, "voucher", SUBSCRIPTION_PRICES.shop, { uses: 1 });
  await sellAsSubscription(merchant, monthly.skuId);
  consumer.shop = await shopChannelOf(merchant);
  consumer.mini = await createChannel(merchant, "mini_program");
  consumer.app = await createChannel(merchant, "app");
  resellers.resellerA = await createReseller(merchant, 1_000_000);
  resellers.resellerB = await createReseller(merchant, 1_000_000);
  for (const observer of ["mini", "app"] as const) {
    await setPrices(merchant, consumer[observer]?.id as string, [
      { skuId: voucher.skuId, price: PRICES[observer].voucher, quota: 50 },
      { skuId: card.skuId, price: PRICES[observer].card, quota: 50 },
      { skuId: monthly.skuId, price: SUBSCRIPTION_PRICES[observer] },
    ]);
  }
  for (const observer of ["resellerA", "resellerB"] as const) {
    const reseller = resellers[observer] as TestReseller;
    await setPrices(merchant, reseller.id, [
      { skuId: voucher.skuId, price: PRICES[observer].voucher, quota: 50 },
      { skuId: card.skuId, price: PRICES[observer].card, quota: 50 },
    ]);
    hooks[observer] = await registerReceiver(reseller);
    const order = await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 1 }]);
    expect(order.status).toBe(201);
    orders[observer] = { id: order.body.id };
  }
  for (const observer of ["shop", "mini", "app"] as const) {
    const placed = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      headers: asChannel(consumer[observer] as TestChannel),
      json: { email: `${observer}@example.test`, items: [{ skuId: card.skuId, quantity: 1 }] },
    });
    expect(placed.status).toBe(201);
    await pay(placed.body.payment.id);
    orders[observer] = { id: placed.body.id, accessToken: placed.body.accessToken };
    const headers = asChannel(consumer[observer] as TestChannel);
    const subscribed = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      headers,
      json: { email: `${observer}-monthly@example.test`, items: [{ skuId: monthly.skuId, quantity: 1 }] },
    });
    await payWith(subscribed.body.payment.id);
    const page = await eventually(
      () =>
        call("GET", `/v1/shops/${merchant.slug}/orders/${subscribed.body.id}`, {
          headers,
          token: subscribed.body.accessToken,
        }),
      (res) => res.body?.subscriptions?.length === 1,
      15_000,
    );
    subscriptions[observer] = {
      orderId: subscribed.body.id,
      token: subscribed.body.accessToken,
      id: page.body.subscriptions[0].id,
    };
  }
  for (const observer of ["resellerA", "resellerB"] as const) {
    await eventually(
      () => receivedBy(hooks[observer]?.name as string),
      (got) => got.length > 0,
      15_000,
    );
  }
});

/** Every request a reseller can make, keyed by the route it exercises. */
function resellerWalk(observer: "resellerA" | "resellerB"): Record<string, (() => Promise<ApiResponse>)[]> {
  const reseller = resellers[observer] as TestReseller;
  const token = reseller.apiKey;
  const otherOrders = (Object.keys(orders) as Observer[]).filter((o) => o !== observer).map((o) => orders[o]?.id);
  return {
    "GET /v1/channel/catalog": [() => call("GET", "/v1/channel/catalog", { token })],
    "POST /v1/channel/orders": [
      () => resellerOrder(reseller, [{ skuId: card.skuId, quantity: 1 }]),
      () => resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 1 }]),
      () =>
        resellerOrder(reseller, [
          { skuId: voucher.skuId, quantity: 1, expectedUnitPrice: { amount: PRICES.shop.voucher, currency: "CNY" } },
        ]),
    ],
    "GET /v1/channel/orders": [() => call("GET", "/v1/channel/orders?limit=100", { token })],
    "GET /v1/channel/orders/{orderId}": [
      () => call("GET", `/v1/channel/orders/${orders[observer]?.id}`, { token }),
      ...otherOrders.map((id) => () => call("GET", `/v1/channel/orders/${id}`, { token })),
    ],
    "GET /v1/channel/balance": [() => call("GET", "/v1/channel/balance", { token })],
    "GET /v1/channel/balance/entries": [() => call("GET", "/v1/channel/balance/entries?limit=100", { token })],
    "POST /v1/channel/webhooks": [
      () => call("POST", "/v1/channel/webhooks", { token, json: { url: "https://reseller.example.com/hooks/x" } }),
    ],
    "GET /v1/channel/webhooks": [() => call("GET", "/v1/channel/webhooks", { token })],
    "DELETE /v1/channel/webhooks/{webhookId}": [
      async () => {
        const spare = await call("POST", "/v1/channel/webhooks", {
          token,
          json: { url: "https://reseller.example.com/hooks/spare" },
        });
        return call("DELETE", `/v1/channel/webhooks/${spare.body.id}`, { token });
      },
      () =>
        call("DELETE", `/v1/channel/webhooks/${hooks[observer === "resellerA" ? "resellerB" : "resellerA"]?.id}`, {
          token,
        }),
    ],
  };
}

/** Every request a consumer channel's client can make on the shop API, keyed by route. */
function shopWalk(observer: "shop" | "mini" | "app"): Record<string, (() => Promise<ApiResponse>)[]> {
  const channel = consumer[observer] as TestChannel;
  const headers = asChannel(channel);
  const shop = `/v1/shops/${merchant.slug}`;
  const own = orders[observer] as { id: string; accessToken: string };
  const foreign = (["shop", "mini", "app"] as const).filter((o) => o !== observer).map((o) => orders[o]);
  return {
    "GET /v1/shops/{shop}": [() => call("GET", shop, { headers })],
    "GET /v1/shops/{shop}/products": [() => call("GET", `${shop}/products`, { headers })],
    "GET /v1/shops/{shop}/products/{productId}": [voucher, card].map(
      (product) => () => call("GET", `${shop}/products/${product.productId}`, { headers }),
    ),
    "POST /v1/shops/{shop}/orders": [
      () =>
        call("POST", `${shop}/orders`, {
          headers,
          json: { email: `${observer}-again@example.test`, items: [{ skuId: voucher.skuId, quantity: 1 }] },
        }),
    ],
    "GET /v1/shops/{shop}/orders/{orderId}": [
      () => call("GET", `${shop}/orders/${own.id}`, { headers, token: own.accessToken }),
      // Another channel's order, even with its own token, is not there through this channel.
      ...foreign.map(
        (order) => () => call("GET", `${shop}/orders/${order?.id}`, { headers, token: order?.accessToken }),
      ),
      ...(["resellerA", "resellerB"] as const).map(
        (o) => () => call("GET", `${shop}/orders/${orders[o]?.id}`, { headers, token: "not-a-token" }),
      ),
    ],
    "POST /v1/shops/{shop}/order-lookups": [
      () =>
        call("POST", `${shop}/order-lookups`, {
          headers,
          json: { email: `${observer}@example.test`, orderId: own.id },
        }),
      ...foreign.map(
        (order, i) => () =>
          call("POST", `${shop}/order-lookups`, {
            headers,
            json: {
              email: `${(["shop", "mini", "app"] as const).filter((o) => o !== observer)[i]}@example.test`,
              orderId: order?.id,
            },
          }),
      ),
    ],
    "POST /v1/shops/{shop}/orders/{orderId}/subscriptions/{subscriptionId}/cancel": [
      // Another channel's subscription, with its own order's token: not there through this channel.
      ...(["shop", "mini", "app"] as const)
        .filter((o) => o !== observer)
        .map((o) => () => {
          const sub = subscriptions[o] as { orderId: string; token: string; id: string };
          return call("POST", `${shop}/orders/${sub.orderId}/subscriptions/${sub.id}/cancel`, {
            headers,
            token: sub.token,
          });
        }),
      () => {
        const sub = subscriptions[observer] as { orderId: string; token: string; id: string };
        return call("POST", `${shop}/orders/${sub.orderId}/subscriptions/${sub.id}/cancel`, {
          headers,
          token: sub.token,
        });
      },
    ],
    "POST /v1/shops/{shop}/orders/{orderId}/tickets": [
      () =>
        call("POST", `${shop}/orders/${own.id}/tickets`, {
          headers,
          token: own.accessToken,
          json: { message: "Where is my code?" },
        }),
    ],
  };
}

describe("no channel sees another channel's price (no 窜货)", () => {
  it("the walk knows every route under /v1/channel and /v1/shops in the document", () => {
    const walked = new Set([...Object.keys(resellerWalk("resellerA")), ...Object.keys(shopWalk("shop"))]);
    const routes = routesOf(doc)
      .filter((route) => route.path.startsWith("/v1/channel/") || route.path.startsWith("/v1/shops/"))
      .map((route) => route.label);
    expect(routes.length).toBeGreaterThanOrEqual(16);
    expect(routes.filter((label) => !walked.has(label))).toEqual([]);
  });

  it("walks every route as each reseller, the shop, the mini-program and the app, and finds no other channel's price", async () => {
    for (const observer of ["resellerA", "resellerB"] as const) {
      for (const [label, sends] of Object.entries(resellerWalk(observer))) {
        for (const send of sends) await look(observer, label, send);
      }
    }
    for (const observer of ["shop", "mini", "app"] as const) {
      for (const [label, sends] of Object.entries(shopWalk(observer))) {
        for (const send of sends) await look(observer, label, send);
      }
    }
    const leaks = seen.flatMap(({ observer, label, res }) => {
      const found = numbers(JSON.stringify(res.body));
      const leaked = othersPrices(observer).filter((price) => found.has(price));
      return leaked.length > 0 ? [`${observer} ${label} → ${res.status}: shows ${leaked.join(", ")}`] : [];
    });
    expect(leaks).toEqual([]);
    expect(seen.filter((s) => s.res.status >= 500).map((s) => `${s.observer} ${s.label}`)).toEqual([]);
  });

  it("the walk could see a leak: each channel's own prices are in its answers, and every route answered 2xx for someone", () => {
    for (const observer of Object.keys(PRICES) as Observer[]) {
      const own = numbers(
        seen
          .filter((s) => s.observer === observer)
          .map((s) => JSON.stringify(s.res.body))
          .join(" "),
      );
      expect(own.has(PRICES[observer].voucher), `${observer} sees its voucher price`).toBe(true);
      expect(own.has(PRICES[observer].card), `${observer} sees its card price`).toBe(true);
    }
    const answered = new Set(seen.filter((s) => s.res.status < 300).map((s) => s.label));
    const walked = new Set(seen.map((s) => s.label));
    expect([...walked].filter((label) => !answered.has(label))).toEqual([]);
  });

  it("what a reseller's webhooks carried holds its own prices only", async () => {
    for (const observer of ["resellerA", "resellerB"] as const) {
      const bodies = (await receivedBy(hooks[observer]?.name as string)).map((got) => got.body).join(" ");
      const found = numbers(bodies);
      expect(found.has(PRICES[observer].voucher)).toBe(true);
      expect(othersPrices(observer).filter((price) => found.has(price))).toEqual([]);
    }
  });

  it("a reseller's secret key names no channel on the shop API", async () => {
    const res = await call("GET", `/v1/shops/${merchant.slug}/products`, {
      headers: { "x-channel-key": (resellers.resellerA as TestReseller).apiKey },
    });
    expect(res.status).toBe(404);
    expect(othersPrices("shop").filter((price) => numbers(JSON.stringify(res.body)).has(price))).toEqual([]);
  });

  it("merchant staff see every channel's prices", async () => {
    const everyPrice = new Set<number>();
    for (const channel of [consumer.shop, consumer.mini, consumer.app, resellers.resellerA, resellers.resellerB]) {
      const res = await call("GET", `/v1/admin/channels/${channel?.id}/prices`, { token: merchant.adminKey });
      for (const n of numbers(JSON.stringify(res.body))) everyPrice.add(n);
    }
    for (const prices of Object.values(PRICES)) {
      expect(everyPrice.has(prices.voucher)).toBe(true);
      expect(everyPrice.has(prices.card)).toBe(true);
    }
  });
});
