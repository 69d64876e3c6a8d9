import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  type QueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/edge";
import type { TesseraEvent } from "../../workers/services/read-models";
import {
  buyAndDeliver,
  call,
  createMerchant,
  createPartner,
  createProduct,
  d1Rows,
  deliveredForm,
  eventually,
  ledgerOf,
  listAll,
  placeOrder,
  redeem,
  stock,
  stockKeeperOf,
  verify,
} from "./factories";

/**
 * Queues deliver at least once and in no particular order; the events consumer must end in the
 * same D1 state whatever the redelivery or order. The bodies below are real events, taken from
 * the Durable Objects' outboxes before they were flushed.
 */

type Delivery = { id: string; body: unknown };

/** Hands one batch to the Worker's queue handler, as the runtime would, and reports acks and retries. */
async function deliver(queue: string, messages: Delivery[]): Promise<QueueResult> {
  const batch = createMessageBatch(
    queue,
    messages.map((message) => ({ ...message, timestamp: new Date(), attempts: 1 })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

function expectAllAcked(result: QueueResult, messages: Delivery[]) {
  expect(result.retryMessages).toEqual([]);
  expect(new Set(result.explicitAcks)).toEqual(new Set(messages.map((message) => message.id)));
}

/**
 * Runs `fn` while every send to the `events` queue fails (the binding is shared by the whole
 * isolate: the Durable Objects' outboxes see the same failure). Returns how many sends failed.
 */
async function withEventsQueueDown<T>(
  fn: (failedSends: () => number) => Promise<T>,
): Promise<{ result: T; failedSends: () => number }> {
  let failed = 0;
  const failedSends = () => failed;
  const queue = env.EVENTS as unknown as Record<string, unknown>;
  queue.sendBatch = async () => {
    failed++;
    throw new Error("events queue unavailable (injected)");
  };
  try {
    return { result: await fn(failedSends), failedSends };
  } finally {
    delete queue.sendBatch;
  }
}

/** Takes every unsent event out of an object's outbox (and its retry alarm), so the test delivers them itself. */
function drainOutbox(stub: DurableObjectStub): Promise<TesseraEvent[]> {
  return runInDurableObject(stub, async (_instance, state) => {
    const rows = state.storage.sql.exec<{ body: string }>("SELECT body FROM outbox ORDER BY seq").toArray();
    state.storage.sql.exec("DELETE FROM outbox");
    await state.storage.deleteAlarm();
    return rows.map((row) => JSON.parse(row.body) as TesseraEvent);
  });
}

async function codeState(codeId: string) {
  return {
    code: await d1Rows("SELECT * FROM codes WHERE id = ?", codeId),
    redemptions: await d1Rows("SELECT * FROM redemptions WHERE code_id = ? ORDER BY id", codeId),
  };
}

async function forgetCode(codeId: string) {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM redemptions WHERE code_id = ?").bind(codeId),
    env.DB.prepare("DELETE FROM codes WHERE id = ?").bind(codeId),
  ]);
}

const asMessages = (events: TesseraEvent[], suffix = "") =>
  events.map((event) => ({ id: `${event.id}${suffix}`, body: event }));

describe("events queue: redelivery and reordering", () => {
  it("a code's events delivered twice and out of order leave exactly the state of one in-order delivery", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const product = await createProduct(merchant, "voucher", { uses: 3 });

    // The queue is down while the code is armed, redeemed twice and reversed once: the four
    // events stay in the ledger's outbox, where the test picks them up verbatim.
    const { result } = await withEventsQueueDown(async (failedSends) => {
      const bought = await buyAndDeliver(merchant, product.skuId);
      const code = bought.order.deliveries[0].code as string;
      const r1 = await redeem(partner, code, { location: "store-1" });
      const r2 = await redeem(partner, code, { location: "store-2" });
      const reversal = await call("POST", `/v1/partner/redemptions/${r1.body.id}/reversal`, { token: partner.apiKey });
      expect([r1.status, r2.status, reversal.status]).toEqual([201, 201, 200]);
      const ledger = await ledgerOf(merchant.id, code);
      await eventually(
        async () => failedSends(),
        (n) => n >= 1,
      );
      return { code, ledger, r1: r1.body.id as string, r2: r2.body.id as string, events: await drainOutbox(ledger) };
    });
    const { code, events, r1, r2 } = result;
    expect(events.map((event) => event.type)).toEqual([
      "code.armed",
      "code.redeemed",
      "code.redeemed",
      "code.reversed",
    ]);
    const [armed, redeemed1, redeemed2, reversed1] = events as [TesseraEvent, TesseraEvent, TesseraEvent, TesseraEvent];
    const codeId = (armed.data as { codeId: string }).codeId;
    expect(await codeState(codeId)).toEqual({ code: [], redemptions: [] });

    // Reference: each event once, in order.
    const inOrder = asMessages(events);
    expectAllAcked(await deliver("events", inOrder), inOrder);
    const reference = await codeState(codeId);
    expect(reference.code).toHaveLength(1);
    expect(reference.code[0]).toMatchObject({ status: "active", uses_total: 3, uses_remaining: 2, version: 4 });
    // The row is dated by the code's issue time, which every event of the code carries.
    expect(reference.code[0]?.created_at).toBe((armed.data as { issuedAt: number }).issuedAt);
    expect(reference.redemptions.map((r) => [r.id, r.status, r.location])).toEqual(
      [
        [r1, "reversed", "store-1"],
        [r2, "completed", "store-2"],
      ].sort(),
    );
    // The read model agrees with the ledger itself.
    expect((await verify(partner, code)).body.remainingUses).toBe(2);

    // Every event twice, the reversal before its redemption, duplicates inside one batch.
    await forgetCode(codeId);
    const scrambled: Delivery[][] = [
      asMessages([reversed1]),
      asMessages([redeemed1, armed]),
      [...asMessages([redeemed2]), ...asMessages([redeemed2])],
      asMessages([...events].reverse()),
    ];
    for (const batch of scrambled) expectAllAcked(await deliver("events", batch), batch);
    expect(await codeState(codeId)).toEqual(reference);

    // Everything backwards, the whole stream delivered twice at the same time.
    await forgetCode(codeId);
    const backwards = asMessages([...events].reverse());
    const again = asMessages([...events].reverse(), "-again");
    const results = await Promise.all([deliver("events", backwards), deliver("events", again)]);
    expectAllAcked(results[0] as QueueResult, backwards);
    expectAllAcked(results[1] as QueueResult, again);
    expect(await codeState(codeId)).toEqual(reference);

    // And a third copy on top of the settled state changes nothing either.
    expectAllAcked(await deliver("events", inOrder), inOrder);
    expect(await codeState(codeId)).toEqual(reference);
  });

  it("the forms' events (spends, a reversal, seats taken, freed and taken again) delivered twice and out of order leave the in-order state", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const { result } = await withEventsQueueDown(async (failedSends) => {
      const card = await deliveredForm(merchant, { form: "balance", balance: 1_000 });
      const licence = await deliveredForm(merchant, { form: "seats", seats: 2 });
      const spend = (amount: number) =>
        call("POST", "/v1/partner/redemptions", { token: partner.apiKey, json: { code: card.code, amount } });
      const seat = (path: string, deviceId: string) =>
        call("POST", `/v1/partner/${path}`, { token: partner.apiKey, json: { code: licence.code, deviceId } });
      const first = await spend(300);
      expect((await spend(200)).status).toBe(201);
      expect(
        (await call("POST", `/v1/partner/redemptions/${first.body.id}/reversal`, { token: partner.apiKey })).status,
      ).toBe(200);
      for (const [path, device] of [
        ["activations", "a"],
        ["activations", "b"],
        ["deactivations", "a"],
        ["activations", "a"],
        ["deactivations", "b"],
      ] as const) {
        expect((await seat(path, device)).status).toBeLessThan(300);
      }
      await eventually(
        async () => failedSends(),
        (n) => n >= 1,
      );
      return {
        card: await drainOutbox(await ledgerOf(merchant.id, card.code)),
        licence: await drainOutbox(await ledgerOf(merchant.id, licence.code)),
      };
    });
    expect(result.licence.map((event) => event.type)).toEqual([
      "code.armed",
      "code.activated",
      "code.activated",
      "code.deactivated",
      "code.activated",
      "code.deactivated",
    ]);
    const events = [...result.card, ...result.licence];
    const codeIds = [result.card, result.licence].map(
      (list) => ((list[0] as TesseraEvent).data as { codeId: string }).codeId,
    );
    const state = async () => ({
      codes: await d1Rows("SELECT * FROM codes WHERE id IN (?, ?) ORDER BY id", ...codeIds),
      redemptions: await d1Rows("SELECT * FROM redemptions WHERE code_id = ? ORDER BY id", codeIds[0]),
      seats: await d1Rows("SELECT * FROM licence_activations WHERE code_id = ? ORDER BY device_id", codeIds[1]),
    });
    const forget = () =>
      env.DB.batch([
        env.DB.prepare("DELETE FROM redemptions WHERE code_id = ?").bind(codeIds[0]),
        env.DB.prepare("DELETE FROM licence_activations WHERE code_id = ?").bind(codeIds[1]),
        env.DB.prepare("DELETE FROM codes WHERE id IN (?, ?)").bind(...codeIds),
      ]);

    const inOrder = asMessages(events);
    expectAllAcked(await deliver("events", inOrder), inOrder);
    const reference = await state();
    // Codes list in id order, which is the order they were issued: the card, then the licence.
    expect(reference.codes.map((row) => [row.form, row.balance_remaining, row.seats_used])).toEqual([
      ["balance", 800, null],
      ["seats", null, 1],
    ]);
    expect(reference.redemptions.map((row) => [row.amount, row.currency, row.status]).sort()).toEqual([
      [200, "CNY", "completed"],
      [300, "CNY", "reversed"],
    ]);
    expect(reference.seats.map((row) => [row.device_id, row.deactivated_at === null])).toEqual([
      ["a", true],
      ["b", false],
    ]);

    await forget();
    const scrambled: Delivery[][] = [
      asMessages([...events].reverse()),
      asMessages(
        events.filter((_, i) => i % 2 === 1),
        "-odd",
      ),
      [...asMessages(events.slice(0, 3)), ...asMessages(events.slice(0, 3))],
    ];
    for (const batch of scrambled) expectAllAcked(await deliver("events", batch), batch);
    expect(await state()).toEqual(reference);
  });

  it("stock events (expiry and levels) delivered twice and out of order leave the in-order state", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret");
    await stock(merchant, card.skuId, 3);
    const order = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 2 }]);
    expect(order.status).toBe(201);
    const keeper = stockKeeperOf(card.skuId);
    await eventually(
      () => keeper.pendingEvents(),
      (n) => n === 0,
    );

    const before = {
      order: await d1Rows("SELECT * FROM orders WHERE id = ?", order.body.id),
      sku: await d1Rows("SELECT stock_available, stock_version FROM skus WHERE id = ?", card.skuId),
    };
    expect(before.order[0]).toMatchObject({ status: "awaiting_payment" });
    expect(before.sku[0]).toMatchObject({ stock_available: 1 });

    // The reservation lapses; the keeper's events are taken before anything flushes them.
    const events = await runInDurableObject(keeper, async (instance, state) => {
      const expired = (instance as unknown as { expireReservations(now: number): number }).expireReservations(
        Date.now() + 901_000,
      );
      expect(expired).toBe(1);
      const rows = state.storage.sql.exec<{ body: string }>("SELECT body FROM outbox ORDER BY seq").toArray();
      state.storage.sql.exec("DELETE FROM outbox");
      return rows.map((row) => JSON.parse(row.body) as TesseraEvent);
    });
    expect(events.map((event) => event.type)).toEqual(["reservation.expired", "stock.changed"]);
    const levels = events[1]?.data as { available: number; version: number };
    expect(levels.available).toBe(3);
    // An older level report (as a redelivered earlier event would carry) must never win.
    const stale: TesseraEvent = {
      ...(events[1] as TesseraEvent),
      id: `${events[1]?.id}-stale`,
      data: { skuId: card.skuId, available: 1, version: levels.version - 1 },
    } as TesseraEvent;

    const state = async () => ({
      order: await d1Rows("SELECT * FROM orders WHERE id = ?", order.body.id),
      sku: await d1Rows("SELECT stock_available, stock_version FROM skus WHERE id = ?", card.skuId),
    });
    const restore = async () => {
      const row = before.order[0] as Record<string, unknown>;
      const sku = before.sku[0] as Record<string, unknown>;
      await env.DB.batch([
        env.DB.prepare("UPDATE orders SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?").bind(
          row.status,
          row.status_reason,
          row.updated_at,
          order.body.id,
        ),
        env.DB.prepare("UPDATE skus SET stock_available = ?, stock_version = ? WHERE id = ?").bind(
          sku.stock_available,
          sku.stock_version,
          card.skuId,
        ),
      ]);
    };

    const inOrder = asMessages(events);
    expectAllAcked(await deliver("events", inOrder), inOrder);
    const reference = await state();
    expect(reference.order[0]).toMatchObject({ status: "expired", status_reason: "reservation_expired" });
    expect(reference.sku[0]).toEqual({ stock_available: 3, stock_version: levels.version });

    await restore();
    const scrambled = [asMessages([...events].reverse()), asMessages([stale, ...events, ...events])];
    for (const batch of scrambled) expectAllAcked(await deliver("events", batch), batch);
    expect(await state()).toEqual(reference);
    expectAllAcked(await deliver("events", asMessages([stale])), asMessages([stale]));
    expect(await state()).toEqual(reference);
  });
});

describe("the outbox retries a failed flush from the alarm", () => {
  it("a redemption's event that could not be sent stays in the outbox and the alarm delivers it later", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const product = await createProduct(merchant, "voucher", { uses: 2 });
    const bought = await buyAndDeliver(merchant, product.skuId);
    const code = bought.order.deliveries[0].code as string;
    const ledger = await ledgerOf(merchant.id, code);
    await eventually(
      () => ledger.pendingEvents(),
      (n) => n === 0,
    );

    const { result: redemption } = await withEventsQueueDown(async () => {
      const res = await redeem(partner, code);
      expect(res.status).toBe(201);
      // The flush after the write was tried and failed: the event waits in the outbox.
      await eventually(
        () => ledger.pendingEvents(),
        (n) => n === 1,
      );
      const tried = await eventually(
        () =>
          runInDurableObject(ledger, (_instance, state) =>
            state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one(),
          ),
        (row) => row.n === 1,
      );
      expect(tried.n).toBe(1);
      return res.body;
    });

    expect(await ledger.pendingEvents()).toBe(1);
    // Nothing reached D1 yet, and an alarm is armed to try again.
    expect(await d1Rows("SELECT id FROM redemptions WHERE id = ?", redemption.id)).toEqual([]);
    const alarmAt = await runInDurableObject(ledger, (_instance, state) => state.storage.getAlarm());
    expect(alarmAt).not.toBeNull();

    // The queue is back; the alarm fires and the event goes out.
    expect(await runDurableObjectAlarm(ledger)).toBe(true);
    expect(await ledger.pendingEvents()).toBe(0);
    const listed = await eventually(
      () => listAll("/v1/admin/redemptions", merchant.adminKey),
      (rows) => rows.length === 1,
      10_000,
    );
    expect(listed.map((r) => r.id)).toEqual([redemption.id]);
    // With nothing left to send, the alarm is cleared.
    expect(await runInDurableObject(ledger, (_instance, state) => state.storage.getAlarm())).toBeNull();
  });

  it("a failing alarm flush keeps the events and re-arms itself; the next alarm delivers them", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);
    const product = await createProduct(merchant, "voucher", { uses: 3 });
    const bought = await buyAndDeliver(merchant, product.skuId);
    const code = bought.order.deliveries[0].code as string;
    const ledger = await ledgerOf(merchant.id, code);

    const { failedSends } = await withEventsQueueDown(async () => {
      expect((await redeem(partner, code)).status).toBe(201);
      expect((await redeem(partner, code)).status).toBe(201);
      await eventually(
        () => ledger.pendingEvents(),
        (n) => n >= 2,
      );
      // The alarm's own flush fails too: the events stay, and the alarm is set again.
      await runDurableObjectAlarm(ledger).catch(() => false);
      expect(await ledger.pendingEvents()).toBeGreaterThanOrEqual(2);
      expect(await runInDurableObject(ledger, (_instance, state) => state.storage.getAlarm())).not.toBeNull();
    });
    expect(failedSends()).toBeGreaterThanOrEqual(2);

    expect(await runDurableObjectAlarm(ledger)).toBe(true);
    expect(await ledger.pendingEvents()).toBe(0);
    const listed = await eventually(
      () => listAll("/v1/admin/redemptions", merchant.adminKey),
      (rows) => rows.length === 2,
      10_000,
    );
    expect(listed).toHaveLength(2);
  });
});
