import { beforeAll, describe, expect, it } from "vitest";
import { asChannel, createChannel } from "../channel-kit";
import { call, createMerchant, createProduct, deliveredVoucher, type TestMerchant, tally } from "../factories";
import { expectForeignLikeMissing, expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/shops/{shop}/orders/{orderId}/tickets");

describe("POST /v1/shops/{shop}/orders/{orderId}/tickets", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let order: { orderId: string; accessToken: string };
  const path = (orderId: string, shop = merchant.slug) => `/v1/shops/${shop}/orders/${orderId}/tickets`;
  const tickets = async () => (await call("GET", "/v1/admin/tickets", { token: merchant.adminKey })).body.data;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    const bought = await deliveredVoucher(merchant);
    const lookup = await call("POST", `/v1/shops/${merchant.slug}/order-lookups`, {
      json: { email: "buyer@example.test", orderId: bought.orderId },
    });
    order = { orderId: bought.orderId, accessToken: lookup.body.accessToken };
  });

  it("puts the buyer's message in the merchant's support queue, with the order's email", async () => {
    const res = await call("POST", path(order.orderId), {
      token: order.accessToken,
      json: { message: "  The code says it was used already.  " },
    });
    expectJson(res, 201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^tkt_/) });
    expect((await tickets())[0]).toMatchObject({
      id: res.body.id,
      orderId: order.orderId,
      email: "buyer@example.test",
      message: "The code says it was used already.",
      status: "open",
    });
  });

  it("answers a wrong token, or another shop, exactly like a missing order, and files nothing", async () => {
    const before = (await tickets()).length;
    const wrong = await call("POST", path(order.orderId), { token: "not-the-token", json: { message: "x" } });
    const missing = await call("POST", path("ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), {
      token: order.accessToken,
      json: { message: "x" },
    });
    await expectForeignLikeMissing(route, wrong, missing);
    const elsewhere = await call("POST", path(order.orderId, other.slug), {
      token: order.accessToken,
      json: { message: "x" },
    });
    await route.expectProblem(elsewhere, "not_found");
    expect(await tickets()).toHaveLength(before);
  });

  it("needs the order's access token: without one, 401 unauthorized", async () => {
    await route.expectProblem(await call("POST", path(order.orderId), { json: { message: "x" } }), "unauthorized");
  });

  it("refuses an empty message with 400 validation_failed", async () => {
    await route.expectProblem(
      await call("POST", path(order.orderId), { token: order.accessToken, json: { message: "   " } }),
      "validation_failed",
    );
  });

  it("takes at most five requests per order per hour, then 429 rate_limited", async () => {
    const bought = await deliveredVoucher(merchant);
    const token = (
      await call("POST", `/v1/shops/${merchant.slug}/order-lookups`, {
        json: { email: "buyer@example.test", orderId: bought.orderId },
        headers: { "cf-connecting-ip": "203.0.113.9" },
      })
    ).body.accessToken;
    const answers = [];
    for (let i = 0; i < 6; i++) {
      answers.push(await call("POST", path(bought.orderId), { token, json: { message: `Message ${i}` } }));
    }
    expect(tally(answers)).toEqual({ "201": 5, "429 rate_limited": 1 });
    const limited = answers.at(-1);
    if (!limited) throw new Error("no answers");
    await route.expectProblem(limited, "rate_limited");
  });
});

describe("POST /v1/shops/{shop}/orders/{orderId}/tickets through a channel (X-Channel-Key)", () => {
  it("files a ticket on a mini-program's order through that mini-program; through the shop the order is missing", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
    const mini = await createChannel(merchant, "mini_program");
    const placed = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      headers: asChannel(mini),
      json: { email: "mini@example.test", items: [{ skuId: voucher.skuId, quantity: 1 }] },
    });
    const url = `/v1/shops/${merchant.slug}/orders/${placed.body.id}/tickets`;
    const json = { message: "Paid in the mini-program, no code yet" };
    const filed = await call("POST", url, { token: placed.body.accessToken, headers: asChannel(mini), json });
    expectJson(filed, 201);
    const missing = await call("POST", `/v1/shops/${merchant.slug}/orders/ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6/tickets`, {
      token: placed.body.accessToken,
      json,
    });
    await expectForeignLikeMissing(route, await call("POST", url, { token: placed.body.accessToken, json }), missing);
    const queue = (await call("GET", "/v1/admin/tickets", { token: merchant.adminKey })).body.data;
    expect(queue.map((ticket: { id: string }) => ticket.id)).toEqual([filed.body.id]);
  });
});
