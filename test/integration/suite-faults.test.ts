import {
  createExecutionContext,
  createMessageBatch,
  evictAllDurableObjects,
  evictDurableObject,
  getQueueResult,
  type QueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createServiceContext } from "../../workers/context";
import worker from "../../workers/edge";
import { type Env, loadConfig } from "../../workers/env";
import { applyPaymentEvent } from "../../workers/services/payments";
import { type FaultMode, faultyD1, isWrite } from "../support/faulty-d1";
import {
  type ApiResponse,
  call,
  createMerchant,
  createPartner,
  createProduct,
  d1Rows,
  eventually,
  getOrder,
  placeOrder,
  redeem,
  stock,
  stockKeeperOf,
  stockOf,
  type TestMerchant,
  tally,
  unique,
  verify,
} from "./factories";

/**
 * Faults injected where the platform promises to survive them — a D1 write failing inside
 * fulfilment, a queue consumer failing its first attempt, Durable Objects evicted while requests
 * are in flight, the events queue down while an alarm has work to publish — each run beside a
 * clean twin, and each must end in the clean twin's state: nothing lost, nothing doubled.
 */

type Placed = { id: string; accessToken: string; payment: { id: string }; total: { amount: number; currency: string } };

/** A Worker environment whose D1 can fail on cue and whose fulfilment queue the test delivers by hand. */
function faultyWorld() {
  const d1 = faultyD1(env.DB);
  const sent: { orderId: string }[] = [];
  const fulfilmentQueue = {
    // The payment webhook sends its retry message just before it starts the inline run: from
    // here on every statement belongs to fulfilment, so faults are armed only now.
    async send(body: { orderId: string }) {
      sent.push(body);
      d1.armed = true;
      d1.recording = true;
    },
    async sendBatch(messages: { body: { orderId: string } }[]) {
      for (const message of messages) sent.push(message.body);
    },
  };
  const world = { ...env, DB: d1.db, FULFILLMENT: fulfilmentQueue } as unknown as Env;
  return { d1, sent, world };
}

let messageCounter = 0;

/** Delivers fulfilment messages to the Worker's queue handler, as the runtime would after `attempts - 1` failures. */
async function deliverFulfilment(
  world: Env,
  orderId: string,
  attempts: number,
): Promise<QueueResult & { ids: string[] }> {
  const messages = [{ id: `ful-${++messageCounter}`, timestamp: new Date(), attempts, body: { orderId } }];
  const batch = createMessageBatch("fulfillment", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, world, ctx);
  return { ...(await getQueueResult(batch, ctx)), ids: messages.map((m) => m.id) };
}

/** What a delivered order looks like from every side, with ids and secrets abstracted away. */
async function orderShape(
  merchant: TestMerchant,
  partner: { apiKey: string },
  placed: Placed,
  skus: { voucher: string; card: string },
) {
  const order = await eventually(
    () => getOrder(merchant, placed.id, placed.accessToken),
    (res) => res.body?.status !== "paid",
    5_000,
  );
  const deliveries = await d1Rows<{ sku_id: string; seq: number; code_id: string | null }>(
    "SELECT sku_id, seq, code_id FROM deliveries WHERE order_id = ? ORDER BY sku_id, seq",
    placed.id,
  );
  const shown = (order.body.deliveries ?? []) as { skuId: string; code: string; secret?: string }[];
  const vouchers = shown.filter((d) => d.skuId === skus.voucher).map((d) => d.code);
  const verifications = await Promise.all(vouchers.map(async (code) => (await verify(partner, code)).body));
  const ledger = await d1Rows<{ kind: string; amount: number }>(
    "SELECT kind, amount FROM ledger_entries WHERE order_id = ? ORDER BY kind",
    placed.id,
  );
  const codeRows = await eventually(
    () => d1Rows<{ uses_remaining: number }>("SELECT uses_remaining FROM codes WHERE order_id = ?", placed.id),
    (rows) => rows.length >= vouchers.length,
    10_000,
  );
  return {
    status: order.body.status,
    deliveredOnPage: shown.length,
    distinctOnPage: new Set(shown.map((d) => `${d.code}/${d.secret ?? ""}`)).size,
    deliveries: deliveries.map((d) => ({
      sku: d.sku_id === skus.voucher ? "voucher" : "card",
      seq: d.seq,
      code: d.code_id !== null,
    })),
    distinctCodeIds: new Set(deliveries.map((d) => d.code_id).filter(Boolean)).size,
    vouchersVerify: verifications.map((v) => ({ status: v.status, remainingUses: v.remainingUses })),
    codesReadModel: codeRows.map((r) => r.uses_remaining),
    stock: await stockOf(merchant, skus.card),
    ledger,
  };
}

/** A fresh voucher SKU and a fresh card SKU with 4 units, an order of 2 of each placed and unpaid. */
async function placedOrder(merchant: TestMerchant) {
  const voucher = await createProduct(merchant, "voucher", { uses: 2 });
  const card = await createProduct(merchant, "card_secret");
  await stock(merchant, card.skuId, 4, unique("FAULT"));
  const res = await placeOrder(merchant, [
    { skuId: voucher.skuId, quantity: 2 },
    { skuId: card.skuId, quantity: 2 },
  ]);
  expect(res.status).toBe(201);
  return { placed: res.body as Placed, skus: { voucher: voucher.skuId, card: card.skuId } };
}

/** Applies the provider's "succeeded" event in `world`; returns the inline fulfilment's promise. */
async function payIn(world: Env, placed: Placed) {
  const background: Promise<unknown>[] = [];
  const ctx = createServiceContext(world, loadConfig(env), (p) => background.push(p), { test: "faults" });
  const outcome = await applyPaymentEvent(ctx, "sandbox", {
    id: `sbx_evt_${crypto.randomUUID()}`,
    type: "payment.succeeded",
    paymentId: placed.payment.id,
    amount: { amount: placed.total.amount, currency: placed.total.currency as "CNY" },
    occurredAt: Date.now(),
  });
  expect(outcome).toMatchObject({ duplicate: false, orderStatus: "paid" });
  await Promise.allSettled(background);
}

describe("a D1 write failing inside fulfilment", () => {
  it("for every write fulfilment makes, failing before or after it runs: the queue's retry ends in the clean run's state", async () => {
    const merchant = await createMerchant();
    const partner = await createPartner(merchant);

    // The clean run, which also tells which writes fulfilment makes.
    const clean = faultyWorld();
    const reference = await placedOrder(merchant);
    await payIn(clean.world, reference.placed);
    const expected = await orderShape(merchant, partner, reference.placed, reference.skus);
    expect(expected).toMatchObject({ status: "fulfilled", deliveredOnPage: 4, distinctOnPage: 4, distinctCodeIds: 2 });
    expect(expected.stock).toEqual({ available: 2, reserved: 0, sold: 2 });
    expect(clean.sent).toEqual([{ orderId: reference.placed.id }]);
    const writes = [...new Set(clean.d1.executed.filter(isWrite))];
    expect(writes.length, "fulfilment writes to D1").toBeGreaterThanOrEqual(2);

    const cases: { sql: string; mode: FaultMode; failures: number }[] = [];
    for (const sql of writes) {
      for (const mode of ["before", "after"] as const) {
        cases.push({ sql, mode, failures: 1 }, { sql, mode, failures: 2 });
      }
    }
    const report: string[] = [];
    for (const fault of cases) {
      const label = `${fault.mode} «${fault.sql.slice(0, 60)}» ×${fault.failures}`;
      const { d1, sent, world } = faultyWorld();
      d1.faults.push({ match: (sql) => sql === fault.sql, times: fault.failures, mode: fault.mode });
      const run = await placedOrder(merchant);

      // The inline run hits the fault (and is retried by the queue, never by itself).
      await payIn(world, run.placed);
      expect(d1.fired, label).toBe(1);
      expect(sent, label).toEqual([{ orderId: run.placed.id }]);

      // The queue delivers until the consumer acknowledges; every failure it meets costs one retry.
      let attempts = 0;
      let retried = 0;
      let result: QueueResult & { ids: string[] };
      for (;;) {
        result = await deliverFulfilment(world, run.placed.id, ++attempts);
        if (result.retryMessages.length === 0) break;
        // A failed attempt is retried, never acknowledged.
        expect(
          result.retryMessages.map((m) => m.msgId),
          label,
        ).toEqual(result.ids);
        expect(result.explicitAcks, label).toEqual([]);
        retried++;
        expect(attempts, label).toBeLessThan(5);
      }
      expect(result.explicitAcks, label).toEqual(result.ids);
      expect(retried, label).toBe(d1.fired - 1);
      // A write that never happened is tried again, so every planned failure fires; one that
      // happened unheard may leave the retry nothing to write again.
      if (fault.mode === "before") expect(d1.fired, label).toBe(fault.failures);
      report.push(`${label}: ${retried} queue retr${retried === 1 ? "y" : "ies"}`);

      // A redelivery on top changes nothing.
      const again = await deliverFulfilment(world, run.placed.id, ++attempts);
      expect(again.explicitAcks, label).toEqual(again.ids);
      expect(await orderShape(merchant, partner, run.placed, run.skus), label).toEqual(expected);
    }
    console.info(`fulfilment survived ${report.length} injected D1 failures:\n  ${report.join("\n  ")}`);
    expect(report).toHaveLength(writes.length * 4);
  });
});

/** Evicts `stub`'s instance; false when it was not running (nothing to evict). */
async function evict(stub: DurableObjectStub): Promise<boolean> {
  try {
    await evictDurableObject(stub);
    return true;
  } catch (error) {
    if (String(error).includes("not currently running")) return false;
    throw error;
  }
}

/**
 * Evicts over and over while a phase of work is in flight. Paced by a trivial D1 query, not a
 * timer: a loop that never waits on a timer would starve the test's own timers, and timers in a
 * busy test isolate fire late. Phases that poll (with timers) get one eviction per poll instead.
 */
function chaos(evictOnce: () => Promise<unknown>) {
  const evictions: Record<string, number> = {};
  let phase = "polling";
  const once = async () => {
    const during = phase;
    if ((await evictOnce()) !== false) evictions[during] = (evictions[during] ?? 0) + 1;
  };
  return {
    async during<T>(name: string, work: Promise<T>): Promise<T> {
      phase = name;
      let settled = false;
      const loop = (async () => {
        while (!settled) {
          await once();
          await env.DB.prepare("SELECT 1").first();
        }
      })();
      try {
        return await work;
      } finally {
        settled = true;
        await loop;
        phase = "polling";
      }
    },
    poke: () => void once(),
    evictions: () => evictions,
  };
}

type Chaos = ReturnType<typeof chaos>;
const calm: Chaos = { during: (_name, work) => work, poke: () => undefined, evictions: () => ({}) };

/**
 * The same checkout workload, start to finish, reduced to numbers that must not depend on
 * evictions: an import of 1,500 card secrets (two StockKeeper calls), 20 orders of 80 units
 * racing for them (18 fit), 10 voucher orders of 3, every order paid at once, every voucher
 * code redeemed twice at once.
 */
async function checkoutWorkload(merchant: TestMerchant, chaosFor: (skuId: string) => Chaos) {
  const partner = await createPartner(merchant);
  const card = await createProduct(merchant, "card_secret");
  const voucher = await createProduct(merchant, "voucher", { uses: 1 });
  const monkey = chaosFor(card.skuId);

  const items = Array.from({ length: 1_500 }, (_, i) => ({ code: `${merchant.slug}-U${i}`, secret: `P${i}` }));
  const imported = await monkey.during(
    "import",
    call("POST", `/v1/admin/skus/${card.skuId}/stock`, { token: merchant.adminKey, json: { items } }),
  );
  const orders = await monkey.during(
    "orders",
    Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        placeOrder(merchant, [{ skuId: card.skuId, quantity: 80 }], `c${i}@example.test`),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        placeOrder(merchant, [{ skuId: voucher.skuId, quantity: 3 }], `v${i}@example.test`),
      ),
    ]),
  );
  const placed = orders.filter((res) => res.status === 201).map((res) => res.body as Placed);
  const paid = await monkey.during(
    "payments",
    Promise.all(
      placed.map((order) =>
        call("POST", `/v1/sandbox/payments/${order.payment.id}/complete`, { json: { outcome: "succeeded" } }),
      ),
    ),
  );
  // Fulfilment finishes in the webhooks' background work: evict once per look at the order.
  const pages = await Promise.all(
    placed.map((order) =>
      eventually(
        () => getOrder(merchant, order.id, order.accessToken),
        (res) => {
          monkey.poke();
          return res.body?.status === "fulfilled";
        },
        20_000,
      ),
    ),
  );
  const delivered = pages.flatMap((page) => page.body.deliveries as { skuId: string; code: string; secret?: string }[]);
  const codes = delivered.filter((d) => d.skuId === voucher.skuId).map((d) => d.code);
  const redemptions = await monkey.during(
    "redemptions",
    Promise.all(codes.flatMap((code) => [redeem(partner, code), redeem(partner, code)])),
  );

  // Whatever an eviction cut short waits in an outbox with an alarm: let the alarms run.
  const keeper = stockKeeperOf(card.skuId);
  if ((await keeper.pendingEvents()) > 0) await runDurableObjectAlarm(keeper);
  const readModel = await eventually(
    async () => ({
      stock: (await d1Rows<{ stock_available: number }>("SELECT stock_available FROM skus WHERE id = ?", card.skuId))[0]
        ?.stock_available,
      redeemedCodes: (
        await d1Rows<{ n: number }>(
          "SELECT count(*) AS n FROM codes WHERE sku_id = ? AND uses_remaining = 0",
          voucher.skuId,
        )
      )[0]?.n,
    }),
    (model) => model.stock === 60 && model.redeemedCodes === codes.length,
    20_000,
  );
  return {
    evictions: monkey.evictions(),
    summary: {
      import: { status: imported.status, ...imported.body, errors: undefined },
      orders: tally(orders as ApiResponse[]),
      paid: tally(paid),
      fulfilled: pages.filter((page) => page.body.status === "fulfilled").length,
      cardUnitsDelivered: delivered.filter((d) => d.skuId === card.skuId).length,
      distinctCardUnits: new Set(delivered.filter((d) => d.skuId === card.skuId).map((d) => d.code)).size,
      voucherCodes: new Set(codes).size,
      redemptions: tally(redemptions),
      levels: await stockOf(merchant, card.skuId),
      keeperPending: await keeper.pendingEvents(),
      readModel,
    },
  };
}

/**
 * An environment whose StockKeeper and CodeLedger stubs evict their object the moment each call
 * returns: every request that makes several calls (an import in chunks, an order's reserve then
 * its D1 batch, fulfilment's commit then its arms) meets a fresh instance at every step.
 */
function evictingWorld(evicted: string[] | null) {
  const wrapStub = (stub: DurableObjectStub) =>
    new Proxy(stub, {
      get(target, prop) {
        if (prop === "then") return undefined;
        const method = (target as unknown as Record<PropertyKey, unknown>)[prop];
        if (typeof method !== "function") return method;
        return async (...args: unknown[]) => {
          const result = await (target as unknown as Record<PropertyKey, (...a: unknown[]) => Promise<unknown>>)[
            prop
          ]?.(...args);
          // The clean twin (null) goes through the same plumbing without the evictions.
          if (evicted && (await evict(target))) evicted.push(String(prop));
          return result;
        };
      },
    });
  const wrapNamespace = (namespace: DurableObjectNamespace) =>
    new Proxy(namespace, {
      get(target, prop) {
        if (prop === "get") return (id: DurableObjectId) => wrapStub(target.get(id));
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const sent: { orderId: string }[] = [];
  return {
    sent,
    world: {
      ...env,
      STOCK_KEEPER: wrapNamespace(env.STOCK_KEEPER as unknown as DurableObjectNamespace),
      CODE_LEDGER: wrapNamespace(env.CODE_LEDGER as unknown as DurableObjectNamespace),
      FULFILLMENT: {
        send: async (body: { orderId: string }) => void sent.push(body),
        sendBatch: async () => undefined,
      },
    } as unknown as Env,
  };
}

/** One request through the Worker's fetch handler in `world`, its background work awaited. */
async function fetchIn(world: Env, method: string, path: string, options: { token?: string; json?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers["content-type"] = "application/json";
  const ctx = createExecutionContext();
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const res = await worker.fetch(new Request(`https://tessera.test${path}`, { method, headers, body }), world, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null } as ApiResponse;
}

/**
 * Import 1,200 card secrets (three keeper calls), order 2 of them and 2 two-use vouchers, pay,
 * fulfil inline (a commit, two arms), then redeem one voucher twice and reverse one redemption.
 */
async function stepwiseCheckout(merchant: TestMerchant, world: Env) {
  const partner = await createPartner(merchant);
  const card = await createProduct(merchant, "card_secret");
  const voucher = await createProduct(merchant, "voucher", { uses: 2 });
  const items = Array.from({ length: 1_200 }, (_, i) => ({ code: `${merchant.slug}-S${i}` }));
  const imported = await fetchIn(world, "POST", `/v1/admin/skus/${card.skuId}/stock`, {
    token: merchant.adminKey,
    json: { items },
  });
  const placed = await fetchIn(world, "POST", `/v1/shops/${merchant.slug}/orders`, {
    json: {
      email: "stepwise@example.test",
      items: [
        { skuId: card.skuId, quantity: 2 },
        { skuId: voucher.skuId, quantity: 2 },
      ],
    },
  });
  expect(placed.status).toBe(201);
  await payIn(world, placed.body as Placed);
  const skus = { voucher: voucher.skuId, card: card.skuId };
  const page = await getOrder(merchant, placed.body.id, placed.body.accessToken);
  const code = (page.body.deliveries as { skuId: string; code: string }[]).find((d) => d.skuId === voucher.skuId)?.code;
  const redeemed = [
    await fetchIn(world, "POST", "/v1/partner/redemptions", { token: partner.apiKey, json: { code } }),
    await fetchIn(world, "POST", "/v1/partner/redemptions", { token: partner.apiKey, json: { code } }),
  ];
  const reversed = await fetchIn(world, "POST", `/v1/partner/redemptions/${redeemed[0]?.body.id}/reversal`, {
    token: partner.apiKey,
  });
  return {
    import: imported.body,
    redeemed: redeemed.map((r) => [r.status, r.body.code]),
    reversed: [reversed.status, reversed.body.code],
    order: await orderShape(merchant, partner, placed.body as Placed, skus),
  };
}

describe("Durable Objects evicted while requests are in flight", () => {
  it("every StockKeeper and CodeLedger call followed at once by its object's eviction: import, order, fulfilment, redemptions and a reversal end as in a clean run", async () => {
    const clean = await stepwiseCheckout(await createMerchant(), evictingWorld(null).world);
    expect(clean).toMatchObject({
      import: { imported: 1_200, duplicates: 0, rejected: 0 },
      redeemed: [
        [201, { status: "active", remainingUses: 1 }],
        [201, { status: "redeemed", remainingUses: 0 }],
      ],
      reversed: [200, { status: "active", remainingUses: 1 }],
      order: {
        status: "fulfilled",
        deliveredOnPage: 4,
        distinctOnPage: 4,
        stock: { available: 1_198, reserved: 0, sold: 2 },
      },
    });
    const evicted: string[] = [];
    const { world, sent } = evictingWorld(evicted);
    expect(await stepwiseCheckout(await createMerchant(), world)).toEqual(clean);
    // Delivered inline: the queue's retry message was sent once and was never needed.
    expect(sent).toHaveLength(1);
    const counts: Record<string, number> = {};
    for (const method of evicted) counts[method] = (counts[method] ?? 0) + 1;
    // Two import chunks (1,000 lines per call), the reservation, the commit, two arms, two redemptions, the reversal.
    expect(counts).toMatchObject({ importUnits: 2, reserve: 1, commit: 1, arm: 2, redeem: 2, reverse: 1 });
    console.info("evicted after each call:", JSON.stringify(counts));
  });

  it("a checkout (1,500-unit import, 30 racing orders, payments, fulfilment, 60 redemptions) ends exactly like its clean twin while the StockKeeper, then every object, is evicted over and over", async () => {
    const clean = await checkoutWorkload(await createMerchant(), () => calm);
    expect(clean.summary).toEqual({
      import: { status: 200, imported: 1_500, duplicates: 0, rejected: 0, errors: undefined },
      orders: { "201": 28, "409 insufficient_stock": 2 },
      paid: { "200": 28 },
      fulfilled: 28,
      cardUnitsDelivered: 1_440,
      distinctCardUnits: 1_440,
      voucherCodes: 30,
      redemptions: { "201": 30, "409 code_already_redeemed": 30 },
      levels: { available: 60, reserved: 0, sold: 1_440 },
      keeperPending: 0,
      readModel: { stock: 60, redeemedCodes: 30 },
    });

    const keeperOnly = await checkoutWorkload(await createMerchant(), (skuId) =>
      chaos(() => evict(stockKeeperOf(skuId))),
    );
    expect(keeperOnly.summary).toEqual(clean.summary);
    // The keeper was evicted while the import and the orders were in flight, not only between phases
    // (the test above evicts it between every two calls deterministically).
    expect((keeperOnly.evictions.import ?? 0) + (keeperOnly.evictions.orders ?? 0)).toBeGreaterThan(0);

    const everything = await checkoutWorkload(await createMerchant(), () => chaos(() => evictAllDurableObjects()));
    expect(everything.summary).toEqual(clean.summary);
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total(everything.evictions)).toBeGreaterThan(10);
    console.info(
      `evictions survived: StockKeeper ${JSON.stringify(keeperOnly.evictions)}, all objects ${JSON.stringify(everything.evictions)}`,
    );
  });
});

/** Makes every send to the `events` queue fail (the binding is shared by the objects in this isolate). */
function eventsQueueDown() {
  let failed = 0;
  const queue = env.EVENTS as unknown as Record<string, unknown>;
  queue.sendBatch = async () => {
    failed++;
    throw new Error("events queue unavailable (injected)");
  };
  queue.send = queue.sendBatch;
  return {
    failed: () => failed,
    restore: () => {
      delete queue.sendBatch;
      delete queue.send;
    },
  };
}

describe("the StockKeeper's outbox retries from its alarm", () => {
  it("a reservation lapsing while the events queue is down reaches D1 once the alarm retries: the order expires and the stock returns, as in a clean run", async () => {
    const merchant = await createMerchant();
    const run = async (queueDown: boolean) => {
      const card = await createProduct(merchant, "card_secret");
      await stock(merchant, card.skuId, 3, unique("OUTBOX"));
      const order = await placeOrder(merchant, [{ skuId: card.skuId, quantity: 2 }]);
      expect(order.status).toBe(201);
      const keeper = stockKeeperOf(card.skuId);
      await eventually(
        () => keeper.pendingEvents(),
        (n) => n === 0,
      );
      const outage = queueDown ? eventsQueueDown() : null;
      try {
        // The reservation's time is up: the keeper's sweep releases it and reports both changes.
        const expired = await runInDurableObject(keeper, (instance) =>
          (instance as unknown as { expireReservations(now: number): number }).expireReservations(Date.now() + 901_000),
        );
        expect(expired).toBe(1);
        expect(await keeper.pendingEvents()).toBe(2);
        // The alarm tries to publish; with the queue down the events stay and the alarm is set again.
        await runDurableObjectAlarm(keeper).catch(() => false);
        if (outage) {
          expect(outage.failed()).toBeGreaterThanOrEqual(1);
          expect(await keeper.pendingEvents()).toBe(2);
          expect(await runInDurableObject(keeper, (_i, state) => state.storage.getAlarm())).not.toBeNull();
          const [row] = await d1Rows<{ status: string }>("SELECT status FROM orders WHERE id = ?", order.body.id);
          expect(row?.status).toBe("awaiting_payment");
          // Still down at the next alarm: nothing lost, nothing sent twice.
          await runDurableObjectAlarm(keeper).catch(() => false);
          expect(await keeper.pendingEvents()).toBe(2);
        }
      } finally {
        outage?.restore();
      }
      if (outage) expect(await runDurableObjectAlarm(keeper)).toBe(true);
      expect(await keeper.pendingEvents()).toBe(0);
      const state = await eventually(
        async () => ({
          order: (
            await d1Rows<{ status: string; status_reason: string }>(
              "SELECT status, status_reason FROM orders WHERE id = ?",
              order.body.id,
            )
          )[0],
          sku: (
            await d1Rows<{ stock_available: number }>("SELECT stock_available FROM skus WHERE id = ?", card.skuId)
          )[0],
          levels: await stockOf(merchant, card.skuId),
        }),
        (s) => s.order?.status === "expired" && s.sku?.stock_available === 3,
        10_000,
      );
      // With nothing left to publish or expire, the alarm is cleared.
      expect(await runInDurableObject(keeper, (_i, s) => s.storage.getAlarm())).toBeNull();
      return state;
    };
    const clean = await run(false);
    expect(clean).toEqual({
      order: { status: "expired", status_reason: "reservation_expired" },
      sku: { stock_available: 3 },
      levels: { available: 3, reserved: 0, sold: 0 },
    });
    expect(await run(true)).toEqual(clean);
  });
});
