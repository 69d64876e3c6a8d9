import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/edge";
import {
  adminOrder,
  auditLog,
  call,
  createMerchant,
  createProduct,
  createTeam,
  d1Rows,
  eventually,
  getOrder,
  stock,
  stockKeeperOf,
  stockOf,
  type TestMerchant,
  tally,
} from "./factories";
import {
  assessmentsOf,
  decisionsOf,
  ledgerKinds,
  newDevice,
  onlyRules,
  order,
  payWith,
  SANDBOX_TEST_CARDS,
  setRisk,
  until,
  watchRiskQueue,
} from "./risk-kit";

/**
 * Scoring paid orders before fulfilment: the fast rules in the payment webhook, the `risk`
 * queue's score with each rule's contribution, holds for review, and a person's approval or
 * rejection, each exactly once under concurrency and redelivery.
 */

/** A merchant whose only rule is an IP-country ≠ card-country mismatch worth `points`. */
async function mismatchMerchant(points: number, cutoffs: { reviewAt: number; blockAt: number }) {
  const merchant = await createMerchant();
  await setRisk(merchant, (settings) => {
    onlyRules(settings, { region_mismatch_payment: { weight: points, limit: 0 } });
    settings.reviewAt = cutoffs.reviewAt;
    settings.blockAt = cutoffs.blockAt;
  });
  return merchant;
}

/** An order paid from a Chinese IP with a US card: the mismatch rule trips. */
async function mismatchedOrder(merchant: TestMerchant, skuId: string) {
  const placed = await order(merchant, [{ skuId, quantity: 1 }], { country: "CN", ip: "198.51.100.20" });
  await payWith(placed.body.payment.id, SANDBOX_TEST_CARDS.approves);
  return placed.body as { id: string; accessToken: string; payment: { id: string } };
}

async function heldForReview(merchant: TestMerchant, skuId: string) {
  const held = await mismatchedOrder(merchant, skuId);
  await eventually(
    () => adminOrder(merchant, held.id),
    (view) => view.statusReason === "risk_review",
    15_000,
  );
  return held;
}

const decide = (merchant: TestMerchant, orderId: string, action: "approve" | "reject", headers = {}) =>
  call("POST", `/v1/admin/risk/reviews/${orderId}/${action}`, {
    token: merchant.adminKey,
    json: action === "approve" ? { note: "Known customer" } : { reason: "Stolen card" },
    headers,
  });

describe("the fast rules", () => {
  it("fulfil a low-risk order at once: the risk queue is never consulted and nothing is recorded", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher");
    const { result, sent } = await watchRiskQueue(async () => {
      const placed = await order(merchant, [{ skuId: voucher.skuId, quantity: 1 }], {
        ip: "198.51.100.7",
        device: newDevice(),
        country: "US",
      });
      await payWith(placed.body.payment.id);
      // The queue batches for a second: a delivery seen well within that never went through it.
      const delivered = await eventually(
        () => getOrder(merchant, placed.body.id, placed.body.accessToken),
        (res) => res.body?.status === "fulfilled",
        2_000,
      );
      return { id: placed.body.id as string, delivered };
    });
    expect(result.delivered.body.status).toBe("fulfilled");
    expect(result.delivered.body.deliveries).toHaveLength(1);
    expect(sent).toEqual([]);
    expect(await assessmentsOf(result.id)).toEqual([]);
    expect(await decisionsOf(result.id)).toEqual([]);
  });

  it("hold an order at the merchant's value threshold for the queue, which scores and fulfils it", async () => {
    const merchant = await createMerchant({ riskScoring: "defaults" });
    const voucher = await createProduct(merchant, "voucher", undefined, 60_000);
    const { result, sent } = await watchRiskQueue(async () => {
      const placed = await order(merchant, [{ skuId: voucher.skuId, quantity: 1 }]);
      await payWith(placed.body.payment.id);
      return placed.body.id as string;
    });
    expect(sent).toEqual([{ orderId: result }]);
    const done = await until(merchant, result, "fulfilled");
    expect(done.deliveries).toHaveLength(1);
    // A first order of ¥600 by a new customer: under the default ¥1,000 "new customer" limit, nothing trips.
    expect(await assessmentsOf(result)).toEqual([{ score: 0, decision: "allow", contributions: [], stage: "queue" }]);
    expect(await decisionsOf(result)).toEqual([{ action: "allow", actor: "system", overruled: null }]);
    expect((await ledgerKinds(result)).map((row) => row.kind)).toEqual(["payment"]);
  });
});

describe("the risk queue's score", () => {
  it("records each rule's contribution with what it observed and the merchant's limit", async () => {
    const merchant = await createMerchant();
    // Weights are distinct powers of two, so each score names exactly the rules that tripped.
    await setRisk(merchant, (settings) => {
      settings.scoreFrom = 0;
      settings.reviewAt = 1_000;
      settings.blockAt = 1_000;
      onlyRules(settings, {
        velocity_email: { weight: 1, limit: 1 },
        velocity_ip: { weight: 2, limit: 1 },
        velocity_device: { weight: 4, limit: 1 },
        velocity_fingerprint: { weight: 8, limit: 1 },
        velocity_recipient: { weight: 16, limit: 1 },
        emails_per_device: { weight: 32, limit: 1 },
        emails_per_ip: { weight: 64, limit: 1 },
        new_customer_large_order: { weight: 128, limit: 1_999 },
        region_mismatch_payment: { weight: 256, limit: 0 },
        region_mismatch_recipient: { weight: 512, limit: 0 },
      });
    });
    const voucher = await createProduct(merchant, "voucher");
    const device = newDevice();
    const buy = async (buyer: Parameters<typeof order>[2]) => {
      const placed = await order(merchant, [{ skuId: voucher.skuId, quantity: 1 }], buyer);
      await payWith(placed.body.payment.id);
      await until(merchant, placed.body.id, "fulfilled");
      return (await assessmentsOf(placed.body.id))[0];
    };
    const a = `${merchant.slug}-a@example.test`;
    const b = `${merchant.slug}-b@example.test`;

    // A new customer from a Chinese IP paying with a US card.
    expect(await buy({ email: a, ip: "192.0.2.10", device, country: "CN" })).toMatchObject({
      score: 128 + 256,
      decision: "allow",
      contributions: [
        { rule: "new_customer_large_order", points: 128, observed: 1_999, limit: 1_999 },
        { rule: "region_mismatch_payment", points: 256, observed: "CN≠US", limit: null },
      ],
    });
    // Another e-mail on the same IP, device and card.
    expect(await buy({ email: b, ip: "192.0.2.10", device, country: "US" })).toMatchObject({
      score: 2 + 4 + 8 + 32 + 64 + 128,
      contributions: [
        { rule: "velocity_ip", points: 2, observed: 2, limit: 1 },
        { rule: "velocity_device", points: 4, observed: 2, limit: 1 },
        { rule: "velocity_fingerprint", points: 8, observed: 2, limit: 1 },
        { rule: "emails_per_device", points: 32, observed: 2, limit: 1 },
        { rule: "emails_per_ip", points: 64, observed: 2, limit: 1 },
        { rule: "new_customer_large_order", points: 128, observed: 1_999, limit: 1_999 },
      ],
    });
    // The first e-mail again, from elsewhere, with the same card: no longer a new customer.
    expect(await buy({ email: a, ip: "192.0.2.99", device: newDevice() })).toMatchObject({
      score: 1 + 8,
      contributions: [
        { rule: "velocity_email", points: 1, observed: 2, limit: 1 },
        { rule: "velocity_fingerprint", points: 8, observed: 3, limit: 1 },
      ],
    });
  });

  it("blocks an order whose score reaches blockAt: it is refunded once and its units go back", async () => {
    const merchant = await mismatchMerchant(50, { reviewAt: 10, blockAt: 40 });
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 1);
    const blocked = await mismatchedOrder(merchant, card.skuId);
    const view = await until(merchant, blocked.id, "refunded");
    expect(view.statusReason).toBe("risk_blocked");
    expect(view.deliveries).toEqual([]);
    // The refund's steps follow its claim: wait for the last of them.
    expect(
      await eventually(
        () => ledgerKinds(blocked.id),
        (rows) => rows.length === 2,
      ),
    ).toEqual([
      { kind: "payment", amount: 1999 },
      { kind: "refund", amount: -1999 },
    ]);
    expect(await stockOf(merchant, card.skuId)).toMatchObject({ available: 1, reserved: 0, sold: 0 });
    expect(await decisionsOf(blocked.id)).toEqual([{ action: "block", actor: "system", overruled: null }]);
  });

  it("changes nothing when the same message is delivered again, or twice at once", async () => {
    const merchant = await mismatchMerchant(50, { reviewAt: 40, blockAt: 80 });
    const voucher = await createProduct(merchant, "voucher");
    const held = await heldForReview(merchant, voucher.skuId);
    const allowed = await createMerchant();
    await setRisk(allowed, (settings) => {
      settings.scoreFrom = 0;
    });
    const other = await createProduct(allowed, "voucher");
    const placed = await order(allowed, [{ skuId: other.skuId, quantity: 1 }]);
    await payWith(placed.body.payment.id);
    await until(allowed, placed.body.id, "fulfilled");

    const redeliver = async (orderId: string) => {
      const batch = createMessageBatch(
        "risk",
        [1, 2, 3].map((n) => ({ id: `again-${orderId}-${n}`, timestamp: new Date(), attempts: 2, body: { orderId } })),
      );
      const ctx = createExecutionContext();
      await worker.queue(batch, env, ctx);
      return getQueueResult(batch, ctx);
    };
    const results = await Promise.all([redeliver(held.id), redeliver(held.id), redeliver(placed.body.id)]);
    for (const result of results) expect(result.retryMessages).toEqual([]);
    expect(await assessmentsOf(held.id)).toHaveLength(1);
    expect(await decisionsOf(held.id)).toEqual([{ action: "review", actor: "system", overruled: null }]);
    expect((await adminOrder(merchant, held.id)).status).toBe("on_hold");
    expect(await decisionsOf(placed.body.id)).toEqual([{ action: "allow", actor: "system", overruled: null }]);
    expect((await adminOrder(allowed, placed.body.id)).deliveries).toHaveLength(1);
  });

  it("re-sends from the order sweep an order still waiting for its score after a minute", async () => {
    const merchant = await createMerchant();
    const voucher = await createProduct(merchant, "voucher");
    const placed = await order(merchant, [{ skuId: voucher.skuId, quantity: 1 }]);
    // As if the webhook's invocation died between the hold and its message.
    await d1Rows(
      "UPDATE orders SET status = 'on_hold', status_reason = 'risk_scoring', paid_at = ? WHERE id = ?",
      Date.now() - 120_000,
      placed.body.id,
    );
    const { sweepOrders } = await import("../../workers/cron/sweep-orders");
    const { createServiceContext } = await import("../../workers/context");
    const { loadConfig } = await import("../../workers/env");
    const ctx = createServiceContext(env, loadConfig(env), () => {});
    const { result, sent } = await watchRiskQueue(() => sweepOrders(ctx, Date.now()));
    expect(result.rescored).toBeGreaterThanOrEqual(1);
    expect(sent).toContainEqual({ orderId: placed.body.id });
  });
  it("never lets the fulfilment queue deliver a held order, and screens a late payment like any other", async () => {
    const merchant = await mismatchMerchant(50, { reviewAt: 40, blockAt: 80 });
    const voucher = await createProduct(merchant, "voucher");
    const held = await heldForReview(merchant, voucher.skuId);
    const batch = createMessageBatch("fulfillment", [
      { id: `fulfil-${held.id}`, timestamp: new Date(), attempts: 1, body: { orderId: held.id } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`fulfil-${held.id}`]);
    expect(await adminOrder(merchant, held.id)).toMatchObject({ status: "on_hold", deliveries: [] });

    // An order whose reservation lapsed, paid late: held the same way, not delivered past the rules.
    const late = await order(merchant, [{ skuId: voucher.skuId, quantity: 1 }], { country: "CN" });
    await d1Rows(
      "UPDATE orders SET status = 'expired', status_reason = 'reservation_expired' WHERE id = ?",
      late.body.id,
    );
    await payWith(late.body.payment.id);
    const view = await eventually(
      () => adminOrder(merchant, late.body.id),
      (found) => found.statusReason === "risk_review",
      15_000,
    );
    expect(view).toMatchObject({ status: "on_hold", statusReason: "risk_review" });
  });
});

describe("holds for review", () => {
  it("hold the order on_hold: the buyer sees no codes, the review queue shows it with its reasons", async () => {
    const merchant = await mismatchMerchant(50, { reviewAt: 40, blockAt: 80 });
    const voucher = await createProduct(merchant, "voucher");
    const held = await heldForReview(merchant, voucher.skuId);
    const shop = await getOrder(merchant, held.id, held.accessToken);
    expect(shop.body).toMatchObject({ status: "on_hold", deliveries: [] });
    const queue = await call("GET", "/v1/admin/risk/reviews", { token: merchant.adminKey });
    expect(queue.status).toBe(200);
    expect(queue.body.data).toEqual([
      expect.objectContaining({
        orderId: held.id,
        stage: "review",
        score: 50,
        decision: "review",
        contributions: [{ rule: "region_mismatch_payment", points: 50, observed: "CN≠US", limit: null }],
        signals: { ip: "198.51.100.20", ipCountry: "CN", deviceId: null, cardCountry: "US" },
        total: { amount: 1999, currency: "CNY" },
      }),
    ]);
  });

  it("approve fulfils exactly once, however many approvals race, and logs who overruled what", async () => {
    const merchant = await mismatchMerchant(50, { reviewAt: 40, blockAt: 80 });
    const team = await createTeam(merchant);
    const voucher = await createProduct(merchant, "voucher");
    const held = await heldForReview(merchant, voucher.skuId);
    const answers = await Promise.all(Array.from({ length: 6 }, () => decide(merchant, held.id, "approve")));
    expect(tally(answers)).toEqual({ "200": 1, "409 conflict": 5 });
    const view = await adminOrder(merchant, held.id);
    expect(view.status).toBe("fulfilled");
    expect(view.deliveries).toHaveLength(1);
    expect(await d1Rows("SELECT id FROM deliveries WHERE order_id = ?", held.id)).toHaveLength(1);
    expect(await decisionsOf(held.id)).toEqual([
      { action: "review", actor: "system", overruled: null },
      { action: "approve", actor: expect.stringMatching(/^key:/), overruled: "review" },
    ]);
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "risk.order_approved",
      target: held.id,
      detail: { overruled: "review", note: "Known customer" },
    });
    // The queue no longer lists it; the log does.
    expect((await call("GET", "/v1/admin/risk/reviews", { token: merchant.adminKey })).body.data).toEqual([]);
    const log = await call("GET", `/v1/admin/risk/decisions?orderId=${held.id}`, { token: merchant.adminKey });
    expect(log.body.data.map((entry: { action: string }) => entry.action)).toEqual(["approve", "review"]);
    // Support may read the queue but not decide.
    const support = await call("POST", `/v1/admin/risk/reviews/${held.id}/approve`, {
      headers: { cookie: team.support.cookie, "x-csrf-token": team.support.csrfToken },
      json: {},
    });
    expect(support.status).toBe(403);
  });

  it("reject refunds exactly once, however many rejections race; its units go back on sale", async () => {
    const merchant = await mismatchMerchant(50, { reviewAt: 40, blockAt: 80 });
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 1);
    const held = await heldForReview(merchant, card.skuId);
    // Held for a person, its unit is committed to it (shown to no one), not merely reserved.
    expect(await stockOf(merchant, card.skuId)).toMatchObject({ available: 0, reserved: 0, sold: 1 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => decide(merchant, held.id, "reject")));
    expect(tally(answers)).toEqual({ "200": 1, "409 conflict": 5 });
    const view = await adminOrder(merchant, held.id);
    expect(view).toMatchObject({ status: "refunded", statusReason: "risk_rejected", deliveries: [] });
    expect(await ledgerKinds(held.id)).toEqual([
      { kind: "payment", amount: 1999 },
      { kind: "refund", amount: -1999 },
    ]);
    expect(await stockOf(merchant, card.skuId)).toMatchObject({ available: 1, reserved: 0, sold: 0 });
    expect((await decisionsOf(held.id)).map((row) => row.action)).toEqual(["review", "reject"]);
  });

  it("keep a held order's units through a review longer than any reservation, and approval delivers them", async () => {
    const merchant = await mismatchMerchant(50, { reviewAt: 40, blockAt: 80 });
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 1);
    const held = await heldForReview(merchant, card.skuId);
    // Two hours on: the StockKeeper's expiry finds nothing of this order's to let go.
    expect(await stockKeeperOf(card.skuId).expireReservations(Date.now() + 7_200_000)).toBe(0);
    // Another buyer finds the unit taken.
    const rival = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      json: { email: "rival@example.test", items: [{ skuId: card.skuId, quantity: 1 }] },
    });
    expect(rival.body.code).toBe("insufficient_stock");
    const approved = await decide(merchant, held.id, "approve");
    expect(approved.body).toMatchObject({ status: "fulfilled", deliveries: [expect.any(Object)] });
    expect(await stockOf(merchant, card.skuId)).toMatchObject({ available: 0, reserved: 0, sold: 1 });
  });

  it("of approvals and rejections racing, exactly one wins and the order ends in its state", async () => {
    const merchant = await mismatchMerchant(50, { reviewAt: 40, blockAt: 80 });
    const voucher = await createProduct(merchant, "voucher");
    const held = await heldForReview(merchant, voucher.skuId);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => decide(merchant, held.id, i % 2 === 0 ? "approve" : "reject")),
    );
    expect(tally(answers)).toEqual({ "200": 1, "409 conflict": 7 });
    const winner = answers.find((res) => res.status === 200)?.body.status;
    const view = await adminOrder(merchant, held.id);
    expect(view.status).toBe(winner);
    const ledger = (await ledgerKinds(held.id)).map((row) => row.kind);
    expect(ledger).toEqual(winner === "refunded" ? ["payment", "refund"] : ["payment"]);
    expect(view.deliveries).toHaveLength(winner === "fulfilled" ? 1 : 0);
  });

  it("replays an approval with the same Idempotency-Key, and refuses an order that is not held", async () => {
    const merchant = await mismatchMerchant(50, { reviewAt: 40, blockAt: 80 });
    const voucher = await createProduct(merchant, "voucher");
    const held = await heldForReview(merchant, voucher.skuId);
    const key = { "idempotency-key": crypto.randomUUID() };
    const first = await decide(merchant, held.id, "approve", key);
    const again = await decide(merchant, held.id, "approve", key);
    expect(first.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await decide(merchant, held.id, "reject")).body.code).toBe("conflict");
    const other = await createMerchant();
    expect((await decide(other, held.id, "approve")).status).toBe(404);
  });
});
