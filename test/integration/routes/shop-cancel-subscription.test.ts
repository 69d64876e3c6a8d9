import { beforeAll, describe, expect, it } from "vitest";
import { noticesOf, runCron, subscribed, subscriptionOf } from "../bundle-kit";
import { call, createMerchant, getOrder, type TestMerchant, unique } from "../factories";
import { expectForeignLikeMissing, expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/shops/{shop}/orders/{orderId}/subscriptions/{subscriptionId}/cancel");

describe("POST /v1/shops/{shop}/orders/{orderId}/subscriptions/{subscriptionId}/cancel", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  const path = (orderId: string, subscriptionId: string, shop = merchant.slug) =>
    `/v1/shops/${shop}/orders/${orderId}/subscriptions/${subscriptionId}/cancel`;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
  });

  it("the buyer cancels from the order page; the order shows it cancelled, with the paid period's end", async () => {
    const { subscription, orderId, token } = await subscribed(merchant);
    const res = await call("POST", path(orderId, subscription.id), { token });
    expectJson(res, 200);
    expect(res.body).toMatchObject({ status: "canceled", nextRenewalAt: null, endsAt: subscription.currentPeriod.end });
    const page = await getOrder(merchant, orderId, token);
    expect(page.body.subscriptions[0]).toMatchObject({ id: subscription.id, status: "canceled" });
    expect((await subscriptionOf(merchant, subscription.id)).history).toEqual([
      expect.objectContaining({ kind: "canceled", detail: { by: "customer" } }),
    ]);
    expectJson(await call("POST", path(orderId, subscription.id), { token }), 200);
    expect((await noticesOf(subscription.id)).map((n) => n.kind)).toEqual(["subscription_canceled"]);
  });

  it("can cancel from a renewal's page too, with the first order's token", async () => {
    const { subscription, token } = await subscribed(merchant);
    await runCron(Date.parse(subscription.nextRenewalAt));
    const [renewal] = (await subscriptionOf(merchant, subscription.id)).renewals;
    const res = await call("POST", path(renewal.orderId, subscription.id), { token });
    expectJson(res, 200);
    expect(res.body.status).toBe("canceled");
  });

  it("answers a wrong token, another shop, or a subscription of another order exactly like a missing one", async () => {
    const mine = await subscribed(merchant);
    const theirs = await subscribed(merchant);
    const wrong = await call("POST", path(mine.orderId, mine.subscription.id), { token: "not-the-token" });
    const missing = await call("POST", path("ord_01JD5ZQ8W4N3M2K1H0G9F8E7D6", mine.subscription.id), {
      token: mine.token,
    });
    await expectForeignLikeMissing(route, wrong, missing);
    const otherOrders = await call("POST", path(mine.orderId, theirs.subscription.id), { token: mine.token });
    const noSuch = await call("POST", path(mine.orderId, "sub_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: mine.token });
    await expectForeignLikeMissing(route, otherOrders, noSuch);
    await route.expectProblem(
      await call("POST", path(mine.orderId, mine.subscription.id, other.slug), { token: mine.token }),
      "not_found",
    );
    expect((await subscriptionOf(merchant, theirs.subscription.id)).status).toBe("active");
    expect((await subscriptionOf(merchant, mine.subscription.id)).status).toBe("active");
  });

  it("replays the same Idempotency-Key", async () => {
    const { subscription, orderId, token } = await subscribed(merchant);
    const headers = { "idempotency-key": unique("shop-cancel") };
    const first = await call("POST", path(orderId, subscription.id), { token, headers });
    const again = await call("POST", path(orderId, subscription.id), { token, headers });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("needs the order's access token: without one, 401 unauthorized", async () => {
    const { subscription, orderId } = await subscribed(merchant);
    await route.expectProblem(await call("POST", path(orderId, subscription.id)), "unauthorized");
    expect((await subscriptionOf(merchant, subscription.id)).status).toBe("active");
  });
});
