import {
  createExecutionContext,
  createScheduledController,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/edge";
import type { StockKeeper } from "../../workers/objects/stock-keeper";
import {
  adminOrder,
  createMerchant,
  createProduct,
  d1Rows,
  eventually,
  getOrder,
  pay,
  placeOrder,
  stock,
  stockKeeperOf,
  stockOf,
  type TestMerchant,
} from "./factories";

/**
 * A payment that arrives after its reservation lapsed is delivered if stock remains, and
 * refunded otherwise: never lost, never doubled. RESERVATION_TTL_SECONDS is 900 in tests, so
 * the lapse is driven directly: the SKU's StockKeeper expires its reservations as if 901 s had
 * passed, and its alarm publishes the expiry, which the events consumer applies to D1.
 */

const TTL_MS = 900_000;

async function expireReservationsOf(skuId: string): Promise<number> {
  const keeper = stockKeeperOf(skuId);
  const expired = await runInDurableObject(keeper, (instance: StockKeeper) =>
    instance.expireReservations(Date.now() + TTL_MS + 1_000),
  );
  // The keeper's alarm is its outbox retry: it sends the expiry events now.
  expect(await runDurableObjectAlarm(keeper)).toBe(true);
  expect(await keeper.pendingEvents()).toBe(0);
  return expired;
}

async function waitForStatus(merchant: TestMerchant, orderId: string, status: string) {
  const order = await eventually(
    () => adminOrder(merchant, orderId),
    (value) => value.status === status,
    10_000,
  );
  expect(order.status).toBe(status);
  return order;
}

function ledgerOfOrder(orderId: string) {
  return d1Rows<{ kind: string; amount: number }>(
    "SELECT kind, amount FROM ledger_entries WHERE order_id = ? ORDER BY kind",
    orderId,
  );
}

async function setup(units: number) {
  const merchant = await createMerchant();
  const card = await createProduct(merchant, "card_secret", undefined, 1500);
  await stock(merchant, card.skuId, units);
  return { merchant, skuId: card.skuId };
}

describe("late payment", () => {
  it("the reservation lapses, the order expires, and a late payment is still delivered while stock remains", async () => {
    const { merchant, skuId } = await setup(2);
    const late = await placeOrder(merchant, [{ skuId, quantity: 1 }]);
    expect(late.status).toBe(201);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 1, reserved: 1, sold: 0 });

    expect(await expireReservationsOf(skuId)).toBe(1);
    await waitForStatus(merchant, late.body.id, "expired");
    expect(await stockOf(merchant, skuId)).toEqual({ available: 2, reserved: 0, sold: 0 });

    const paid = await pay(late.body.payment.id);
    expect(paid.body.webhook.status).toBe(200);
    const page = await eventually(
      () => getOrder(merchant, late.body.id, late.body.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(page.body.status).toBe("fulfilled");
    expect(page.body.deliveries).toHaveLength(1);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 1, reserved: 0, sold: 1 });
    expect(await ledgerOfOrder(late.body.id)).toEqual([{ kind: "payment", amount: 1500 }]);
    expect(await adminOrder(merchant, late.body.id)).toMatchObject({ payment: { status: "succeeded" } });
  });

  it("when another buyer took the last unit meanwhile, the late payment is refunded and the unit sold once", async () => {
    const { merchant, skuId } = await setup(1);
    const late = await placeOrder(merchant, [{ skuId, quantity: 1 }]);
    expect(late.status).toBe(201);
    expect(await expireReservationsOf(skuId)).toBe(1);
    await waitForStatus(merchant, late.body.id, "expired");

    // Another buyer takes the released unit.
    const other = await placeOrder(merchant, [{ skuId, quantity: 1 }], "other@example.test");
    expect(other.status).toBe(201);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 1, sold: 0 });

    const paid = await pay(late.body.payment.id);
    expect(paid.body.webhook.status).toBe(200);
    const refunded = await waitForStatus(merchant, late.body.id, "refunded");
    expect(refunded).toMatchObject({ statusReason: "insufficient_stock", payment: { status: "refunded" } });
    expect(refunded.deliveries).toEqual([]);
    expect(await ledgerOfOrder(late.body.id)).toEqual([
      { kind: "payment", amount: 1500 },
      { kind: "refund", amount: -1500 },
    ]);
    // The other buyer's hold was untouched, and their payment gets the unit.
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 1, sold: 0 });
    await pay(other.body.payment.id);
    const delivered = await eventually(
      () => getOrder(merchant, other.body.id, other.body.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(delivered.body.deliveries).toHaveLength(1);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 0, sold: 1 });

    // Replays of the late payment change nothing: still one payment and one refund row.
    const again = await pay(late.body.payment.id);
    expect(again.body.webhook.status).toBe(200);
    expect(await adminOrder(merchant, late.body.id)).toMatchObject({
      status: "refunded",
      payment: { status: "refunded" },
    });
    expect(await ledgerOfOrder(late.body.id)).toEqual([
      { kind: "payment", amount: 1500 },
      { kind: "refund", amount: -1500 },
    ]);
    const [counts] = await d1Rows<{ n: number }>("SELECT count(*) AS n FROM deliveries WHERE sku_id = ?", skuId);
    expect(counts?.n).toBe(1);
  });

  it("two late payments racing for the one remaining unit: exactly one is delivered, the other refunded", async () => {
    const { merchant, skuId } = await setup(1);
    const first = await placeOrder(merchant, [{ skuId, quantity: 1 }]);
    expect(first.status).toBe(201);
    expect(await expireReservationsOf(skuId)).toBe(1);
    const second = await placeOrder(merchant, [{ skuId, quantity: 1 }]);
    expect(second.status).toBe(201);
    expect(await expireReservationsOf(skuId)).toBe(1);
    await waitForStatus(merchant, first.body.id, "expired");
    await waitForStatus(merchant, second.body.id, "expired");
    expect(await stockOf(merchant, skuId)).toEqual({ available: 1, reserved: 0, sold: 0 });

    await Promise.all([pay(first.body.payment.id), pay(second.body.payment.id)]);
    const finals = await Promise.all(
      [first.body.id, second.body.id].map((id) =>
        eventually(
          () => adminOrder(merchant, id),
          (order) => order.status === "fulfilled" || order.status === "refunded",
          10_000,
        ),
      ),
    );
    expect(finals.map((order) => order.status).sort()).toEqual(["fulfilled", "refunded"]);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 0, sold: 1 });
    const [counts] = await d1Rows<{ n: number }>("SELECT count(*) AS n FROM deliveries WHERE sku_id = ?", skuId);
    expect(counts?.n).toBe(1);
  });

  it("the cron sweep expires lapsed orders and releases their units; a late payment then still delivers", async () => {
    const { merchant, skuId } = await setup(1);
    const lapsed = await placeOrder(merchant, [{ skuId, quantity: 1 }]);
    expect(lapsed.status).toBe(201);

    // The sweep runs as if its tick came after the reservation (and its grace) ran out.
    const controller = createScheduledController({ scheduledTime: Date.now() + TTL_MS + 120_000, cron: "* * * * *" });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);

    expect(await adminOrder(merchant, lapsed.body.id)).toMatchObject({
      status: "expired",
      statusReason: "reservation_expired",
    });
    expect(await stockOf(merchant, skuId)).toEqual({ available: 1, reserved: 0, sold: 0 });

    await pay(lapsed.body.payment.id);
    const page = await eventually(
      () => getOrder(merchant, lapsed.body.id, lapsed.body.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(page.body.deliveries).toHaveLength(1);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 0, sold: 1 });
  });
});

describe("a sweep that decided on stale data", () => {
  it("a lapsed order paid and delivered while the sweep releases its stock keeps its sold unit", async () => {
    const { merchant, skuId } = await setup(1);
    const order = await placeOrder(merchant, [{ skuId, quantity: 1 }]);
    expect(order.status).toBe(201);

    // The sweep reads the order as lapsed, then is held just before it asks the StockKeeper
    // to release the order's units: the payment lands in exactly that gap.
    let reached!: () => void;
    const atRelease = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const keepers = env.STOCK_KEEPER;
    const gatedEnv = {
      ...env,
      STOCK_KEEPER: {
        idFromName: (name: string) => keepers.idFromName(name),
        get: (id: DurableObjectId) => {
          const stub = keepers.get(id);
          return {
            release: async (...args: Parameters<StockKeeper["release"]>) => {
              reached();
              await gate;
              return stub.release(...args);
            },
          };
        },
      },
    } as unknown as typeof env;
    const ctx = createExecutionContext();
    const sweep = worker.scheduled(
      createScheduledController({ scheduledTime: Date.now() + TTL_MS + 120_000, cron: "* * * * *" }),
      gatedEnv,
      ctx,
    );
    await atRelease;

    await pay(order.body.payment.id);
    const page = await eventually(
      () => getOrder(merchant, order.body.id, order.body.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(page.body.deliveries).toHaveLength(1);
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 0, sold: 1 });

    open();
    await sweep;
    await waitOnExecutionContext(ctx);

    // The delivered unit stays sold: nobody else can buy it again.
    expect(await adminOrder(merchant, order.body.id)).toMatchObject({ status: "fulfilled" });
    expect(await stockOf(merchant, skuId)).toEqual({ available: 0, reserved: 0, sold: 1 });
    const again = await placeOrder(merchant, [{ skuId, quantity: 1 }], "second@example.test");
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("insufficient_stock");
  });
});
