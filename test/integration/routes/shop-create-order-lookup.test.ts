import { beforeAll, describe, expect, it } from "vitest";
import { asChannel, createChannel, createReseller, resellerOrder, setPrices } from "../channel-kit";
import {
  call,
  createMerchant,
  createProduct,
  d1Rows,
  deliveredVoucher,
  getOrder,
  type TestMerchant,
  tally,
  unique,
} from "../factories";
import { expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/shops/{shop}/order-lookups");

describe("POST /v1/shops/{shop}/order-lookups", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let voucher: Awaited<ReturnType<typeof deliveredVoucher>>;

  /** Each test looks up from its own address, so the per-IP limit of one does not spill into another. */
  const lookUp = (body: unknown, ip = unique("ip"), shop = merchant.slug) =>
    call("POST", `/v1/shops/${shop}/order-lookups`, { json: body, headers: { "cf-connecting-ip": ip } });

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    voucher = await deliveredVoucher(merchant);
  });

  it("issues a fresh access token when the email and order number match; the original token keeps working", async () => {
    const res = await lookUp({ email: " Buyer@Example.TEST ", orderId: voucher.orderId });
    expectJson(res, 200);
    expect(res.body).toEqual({ orderId: voucher.orderId, accessToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const order = await getOrder(merchant, voucher.orderId, res.body.accessToken);
    expectJson(order, 200);
    expect(order.body.deliveries[0].code).toBe(voucher.code);
    const second = await lookUp({ email: "buyer@example.test", orderId: voucher.orderId });
    expect(second.body.accessToken).not.toBe(res.body.accessToken);
    expectJson(await getOrder(merchant, voucher.orderId, res.body.accessToken), 200);
    // Only hashes are stored.
    const stored = await d1Rows<{ token_hash: string }>(
      "SELECT token_hash FROM order_access_tokens WHERE order_id = ?",
      voucher.orderId,
    );
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain(res.body.accessToken);
  });

  it("answers a wrong email, an unknown order, or another shop's order alike with 404 not_found", async () => {
    const answers = [
      await lookUp({ email: "someone@example.test", orderId: voucher.orderId }),
      await lookUp({ email: "buyer@example.test", orderId: "ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6" }),
      await lookUp({ email: "buyer@example.test", orderId: voucher.orderId }, unique("ip"), other.slug),
      await lookUp({ email: "buyer@example.test", orderId: voucher.orderId }, unique("ip"), "no-such-shop"),
    ];
    for (const res of answers) await route.expectProblem(res, "not_found");
    const bodies = answers.map(({ body }) => ({ ...body, requestId: "" }));
    for (const body of bodies) expect(body).toEqual(bodies[0]);
  });

  it("allows 10 lookups per 10 minutes from one address, then 429 rate_limited with Retry-After", async () => {
    const ip = unique("ip");
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => lookUp({ email: `guess-${i}@example.test`, orderId: voucher.orderId }, ip)),
    );
    expect(tally(answers)).toEqual({ "404 not_found": 10, "429 rate_limited": 2 });
    const limited = answers.find((res) => res.status === 429);
    if (!limited) throw new Error("not limited");
    await route.expectProblem(limited, "rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("allows 10 lookups per 10 minutes for one email, whatever the address", async () => {
    const email = `${unique("target")}@example.test`;
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await lookUp({ email, orderId: voucher.orderId }));
    expect(tally(answers)).toEqual({ "404 not_found": 10, "429 rate_limited": 1 });
  });

  it("refuses a missing order number with 400 validation_failed", async () => {
    await route.expectProblem(await lookUp({ email: "buyer@example.test" }), "validation_failed");
  });
});

describe("POST /v1/shops/{shop}/order-lookups through a channel (X-Channel-Key)", () => {
  it("finds an app's order through that app only; a reseller's order is found through none", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    const app = await createChannel(merchant, "app");
    const placed = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      headers: asChannel(app),
      json: { email: "found@example.test", items: [{ skuId: voucher.skuId, quantity: 1 }] },
    });
    const reseller = await createReseller(merchant, 5000);
    await setPrices(merchant, reseller.id, [{ skuId: voucher.skuId, price: 800 }]);
    const wholesale = await resellerOrder(reseller, [{ skuId: voucher.skuId, quantity: 1 }]);
    const lookUp = (body: unknown, headers: Record<string, string> = {}) =>
      call("POST", `/v1/shops/${merchant.slug}/order-lookups`, {
        json: body,
        headers: { ...headers, "cf-connecting-ip": unique("ip") },
      });
    const viaApp = await lookUp({ email: "found@example.test", orderId: placed.body.id }, asChannel(app));
    expectJson(viaApp, 200);
    expect(viaApp.body.orderId).toBe(placed.body.id);
    await route.expectProblem(await lookUp({ email: "found@example.test", orderId: placed.body.id }), "not_found");
    const agentEmail = wholesale.body.email as string;
    for (const headers of [{}, asChannel(app)]) {
      await route.expectProblem(await lookUp({ email: agentEmail, orderId: wholesale.body.id }, headers), "not_found");
    }
  });
});
