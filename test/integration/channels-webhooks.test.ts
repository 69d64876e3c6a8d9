import { describe, expect, it } from "vitest";
import {
  createReseller,
  receivedBy,
  receiverEndpoint,
  registerReceiver,
  resellerOrder,
  setPrices,
  type TestReseller,
} from "./channel-kit";
import { call, createMerchant, createProduct, d1Rows, eventually, type TestMerchant, tally } from "./factories";
import { runCron } from "./supply-kit";

/**
 * A reseller's order outcomes reach its endpoint on a real HTTP peer, signed like the payment
 * webhooks; the peer verifies each signature over the bytes it received, with its own HMAC.
 * Failed attempts are retried from the queue with backoff; an event is made once per order and
 * outcome, so however often an outcome is reached, the peer sees one event id for it.
 */

async function resellerWithVoucher(
  merchant: TestMerchant,
  price = 400,
): Promise<{ reseller: TestReseller; skuId: string }> {
  const voucher = await createProduct(merchant, "voucher", { uses: 1 }, 1000);
  const reseller = await createReseller(merchant, 100_000);
  await setPrices(merchant, reseller.id, [{ skuId: voucher.skuId, price }]);
  return { reseller, skuId: voucher.skuId };
}

describe("reseller webhooks", () => {
  it("order.fulfilled arrives signed; the peer verifies it byte for byte and it names the order as the API shows it", async () => {
    const merchant = await createMerchant();
    const { reseller, skuId } = await resellerWithVoucher(merchant, 420);
    const hook = await registerReceiver(reseller);
    const order = await resellerOrder(reseller, [{ skuId, quantity: 2 }]);

    const [got] = await eventually(
      () => receivedBy(hook.name),
      (list) => list.length === 1,
      15_000,
    );
    expect(got?.verified).toBe(true);
    expect(got?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = JSON.parse(got?.body ?? "{}");
    expect(event).toMatchObject({
      id: got?.eventId,
      type: "order.fulfilled",
      data: { order: { id: order.body.id, status: "fulfilled", total: { amount: 840, currency: "CNY" } } },
    });
    expect(got?.eventType).toBe("order.fulfilled");
    expect(event.data.order).not.toHaveProperty("email");
    expect(got?.body).not.toContain(order.body.deliveries[0].code);
  });

  it("the peer's check can fail: under another endpoint's secret the same delivery does not verify", async () => {
    const merchant = await createMerchant();
    const { reseller, skuId } = await resellerWithVoucher(merchant);
    const hook = await registerReceiver(reseller);
    const other = await registerReceiver(await createReseller(merchant));
    expect(other.secret).not.toBe(hook.secret);
    await receiverEndpoint(hook.name, other.secret);
    await resellerOrder(reseller, [{ skuId, quantity: 1 }]);
    const [got] = await eventually(
      () => receivedBy(hook.name),
      (list) => list.length === 1,
      15_000,
    );
    expect(got?.signature).toMatch(/^t=\d+,v1=/);
    expect(got?.verified).toBe(false);
  });

  it("order.refunded follows a refund once, however many refunds race, and every delivery is a distinct event", async () => {
    const merchant = await createMerchant();
    const { reseller, skuId } = await resellerWithVoucher(merchant);
    const hook = await registerReceiver(reseller);
    const order = await resellerOrder(reseller, [{ skuId, quantity: 1 }]);
    await eventually(
      () => receivedBy(hook.name),
      (list) => list.length === 1,
      15_000,
    );

    const refunds = await Promise.all(
      Array.from({ length: 10 }, () =>
        call("POST", `/v1/admin/orders/${order.body.id}/refund`, { token: merchant.adminKey, json: { reason: "r" } }),
      ),
    );
    expect(tally(refunds)).toEqual({ "200": 1, "409 conflict": 9 });
    const received = await eventually(
      () => receivedBy(hook.name),
      (list) => list.length === 2,
      15_000,
    );
    expect(received.map((got) => got.eventType)).toEqual(["order.fulfilled", "order.refunded"]);
    expect(received.every((got) => got.verified)).toBe(true);
    expect(new Set(received.map((got) => got.eventId)).size).toBe(2);
    expect(JSON.parse(received[1]?.body ?? "{}").data.order).toMatchObject({ status: "refunded" });
    // Nothing more comes later: the sweep finds every outcome published.
    await runCron(Date.now() + 10 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await receivedBy(hook.name)).toHaveLength(2);
    const events = await d1Rows<{ n: number }>(
      "SELECT count(*) AS n FROM channel_events WHERE order_id = ?",
      order.body.id,
    );
    expect(events[0]?.n).toBe(2);
  });

  it("a failing endpoint is retried with backoff until it answers 2xx; every attempt carries the same bytes and event id", async () => {
    const merchant = await createMerchant();
    const { reseller, skuId } = await resellerWithVoucher(merchant);
    const hook = await registerReceiver(reseller, 2);
    await resellerOrder(reseller, [{ skuId, quantity: 1 }]);

    const received = await eventually(
      () => receivedBy(hook.name),
      (list) => list.some((got) => got.answered === 200),
      40_000,
    );
    expect(received.map((got) => got.answered)).toEqual([500, 500, 200]);
    expect(new Set(received.map((got) => got.body)).size).toBe(1);
    expect(new Set(received.map((got) => got.eventId)).size).toBe(1);
    expect(received.every((got) => got.verified)).toBe(true);
    // Backoff: about 2 s before the second attempt, 4 s before the third.
    const gaps = received.slice(1).map((got, i) => got.at - (received[i]?.at ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(1500);
    expect(gaps[1]).toBeGreaterThanOrEqual(3500);
    const [delivery] = await d1Rows<{ status: string; attempts: number; last_status_code: number }>(
      "SELECT status, attempts, last_status_code FROM channel_webhook_deliveries WHERE webhook_id = ?",
      hook.id,
    );
    expect(delivery).toEqual({ status: "succeeded", attempts: 3, last_status_code: 200 });
  });

  it("every endpoint of the reseller gets each event; a removed endpoint gets nothing more; other resellers' endpoints get nothing", async () => {
    const merchant = await createMerchant();
    const { reseller, skuId } = await resellerWithVoucher(merchant);
    const first = await registerReceiver(reseller);
    const second = await registerReceiver(reseller);
    const bystander = await registerReceiver(await createReseller(merchant));
    await resellerOrder(reseller, [{ skuId, quantity: 1 }]);
    for (const hook of [first, second]) {
      const got = await eventually(
        () => receivedBy(hook.name),
        (list) => list.length === 1,
        15_000,
      );
      expect(got[0]?.verified).toBe(true);
    }
    expect((await call("DELETE", `/v1/channel/webhooks/${second.id}`, { token: reseller.apiKey })).status).toBe(204);
    await resellerOrder(reseller, [{ skuId, quantity: 1 }]);
    await eventually(
      () => receivedBy(first.name),
      (list) => list.length === 2,
      15_000,
    );
    expect(await receivedBy(second.name)).toHaveLength(1);
    expect(await receivedBy(bystander.name)).toEqual([]);
  });

  it("the sweep sends a delivery whose queue message was lost: the peer gets the same event again", async () => {
    const merchant = await createMerchant();
    const { reseller, skuId } = await resellerWithVoucher(merchant);
    const hook = await registerReceiver(reseller);
    await resellerOrder(reseller, [{ skuId, quantity: 1 }]);
    const [first] = await eventually(
      () => receivedBy(hook.name),
      (list) => list.length === 1,
      15_000,
    );
    // As if the delivery had been written but its message never queued: pending, long overdue.
    await d1Rows(
      "UPDATE channel_webhook_deliveries SET status = 'pending', next_attempt_at = ? WHERE webhook_id = ?",
      Date.now() - 3_600_000,
      hook.id,
    );
    await runCron(Date.now());
    const received = await eventually(
      () => receivedBy(hook.name),
      (list) => list.length === 2,
      15_000,
    );
    expect(received.map((got) => got.eventId)).toEqual([first?.eventId, first?.eventId]);
    expect(received[1]?.body).toBe(first?.body);
    expect(received[1]?.verified).toBe(true);
    const [delivery] = await d1Rows<{ status: string; attempts: number }>(
      "SELECT status, attempts FROM channel_webhook_deliveries WHERE webhook_id = ?",
      hook.id,
    );
    expect(delivery).toEqual({ status: "succeeded", attempts: 2 });
  });
});
