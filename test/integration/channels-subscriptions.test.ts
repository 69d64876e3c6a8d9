import { describe, expect, it } from "vitest";
import { payWith, product, runCron, sellAsSubscription } from "./bundle-kit";
import { asChannel, createChannel, setPrices } from "./channel-kit";
import { call, createMerchant, d1Rows, eventually } from "./factories";

/**
 * A subscription bought through the merchant's app stays the app's: it renews at the app's
 * price, its renewal orders belong to the app (readable through it, not through the shop), and
 * it is cancelled through the app.
 */
describe("a subscription bought through an app", () => {
  it("renews at the app's price, its renewals belong to the app, and it is cancelled through the app only", async () => {
    const merchant = await createMerchant();
    const monthly = await product(merchant, "voucher", 3000, { uses: 1 });
    await sellAsSubscription(merchant, monthly.skuId);
    const app = await createChannel(merchant, "app");
    await setPrices(merchant, app.id, [{ skuId: monthly.skuId, price: 2500 }]);
    const headers = asChannel(app);
    const shop = `/v1/shops/${merchant.slug}`;
    const placed = await call("POST", `${shop}/orders`, {
      headers,
      json: { email: "app-sub@example.test", items: [{ skuId: monthly.skuId, quantity: 1 }] },
    });
    await payWith(placed.body.payment.id);
    const token = placed.body.accessToken as string;
    const page = await eventually(
      () => call("GET", `${shop}/orders/${placed.body.id}`, { headers, token }),
      (res) => res.body?.subscriptions?.length === 1,
      15_000,
    );
    const subscription = page.body.subscriptions[0];

    await runCron(Date.parse(subscription.nextRenewalAt));
    const [renewal] = await d1Rows<{ order_id: string }>(
      "SELECT order_id FROM subscription_renewals WHERE subscription_id = ? AND status = 'succeeded'",
      subscription.id,
    );
    const renewed = await eventually(
      () => call("GET", `${shop}/orders/${renewal?.order_id}`, { headers, token }),
      (res) => res.body?.status === "fulfilled",
      15_000,
    );
    expect(renewed.body).toMatchObject({ channelId: app.id, total: { amount: 2500, currency: "CNY" } });
    expect((await call("GET", `${shop}/orders/${renewal?.order_id}`, { token })).status).toBe(404);

    const cancel = (withHeaders: Record<string, string>) =>
      call("POST", `${shop}/orders/${placed.body.id}/subscriptions/${subscription.id}/cancel`, {
        headers: withHeaders,
        token,
      });
    expect((await cancel({})).status).toBe(404);
    const cancelled = await cancel(headers);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("canceled");
  });
});
