import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, d1Rows, eventually, getOrder, pay, type TestMerchant } from "./factories";
import {
  approvedSupplier,
  bindSku,
  createTopUpProduct,
  deliverSupplierMessages,
  health,
  relay,
  shopSku,
  syncNow,
} from "./supply-kit";

/**
 * A supplier that times out trips its circuit breaker: calls to it are refused at once, orders
 * fail over to the backup, the shop keeps selling the backup's stock, and the merchant sees it.
 * After the cooldown one probe goes through; when it succeeds the circuit closes again.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("supplier circuit breaker", () => {
  let merchant: TestMerchant;

  beforeAll(async () => {
    merchant = await createMerchant();
  });

  async function topUpFor(suppliers: { supplierId: string }[]) {
    const { skuId } = await createTopUpProduct(merchant);
    await bindSku(
      merchant,
      skuId,
      suppliers.map(({ supplierId }) => ({ supplierId, productId: "MOBILE-100", cost: 9800 })),
    );
    for (const { supplierId } of suppliers) expect((await syncNow(merchant, supplierId)).status).toBe(200);
    return skuId;
  }

  async function order(skuId: string) {
    const res = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      json: { email: "buyer@example.test", items: [{ skuId, quantity: 1, recipient: { phone: "13700001111" } }] },
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; accessToken: string; payment: { id: string } };
  }

  it("opens after timeouts, sends orders to the backup without calling the dead supplier, and closes after a probe", async () => {
    const primary = await approvedSupplier(merchant, {
      settings: { timeoutMs: 300, failureThreshold: 3, cooldownSeconds: 6 },
    });
    const backup = await approvedSupplier(merchant);
    const skuId = await topUpFor([primary, backup]);
    expect((await shopSku(merchant, skuId))?.available).toBe(20_000);
    expect((await health(merchant, primary.supplierId)).circuit.state).toBe("closed");

    await primary.sandbox.switches({ latencyMs: 1_500 });
    for (let i = 0; i < 3; i++) {
      const res = await syncNow(merchant, primary.supplierId);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe("supplier_unavailable");
    }
    const opened = await health(merchant, primary.supplierId);
    expect(opened.circuit).toMatchObject({ state: "open", consecutiveFailures: 3, timesOpened: 1 });
    expect(opened.lastFailure).toBe("timeout");
    // Two reads succeeded (the binding's sync and the first manual one); the three after timed out.
    expect(opened.recent).toMatchObject({ calls: 5, failures: 3, timeouts: 3 });
    // One dead supplier never breaks the shop: the backup's stock stays on sale.
    expect((await shopSku(merchant, skuId))?.available).toBe(10_000);

    // While open, nothing is sent to the primary: the order goes straight to the backup.
    const callsBefore = await primary.sandbox.view();
    const placed = await order(skuId);
    await pay(placed.payment.id);
    await eventually(
      () => backup.sandbox.orders(),
      (orders) => orders.length === 1,
    );
    await relay(backup.account, 2);
    // If the poll lands while the supplier still answers `processing`, the next poll waits out
    // the queue's backoff; on a loaded machine that is longer than eventually()'s default.
    const done = await eventually(
      () => getOrder(merchant, placed.id, placed.accessToken),
      (res) => res.body.status === "fulfilled",
      30_000,
    );
    expect(done.body.deliveries).toHaveLength(1);
    expect((await primary.sandbox.view()).calls).toEqual(callsBefore.calls);
    expect(
      await d1Rows(
        "SELECT supplier_id, status, fail_reason FROM supplier_orders WHERE order_id = ? ORDER BY attempt",
        placed.id,
      ),
    ).toEqual([
      { supplier_id: primary.supplierId, status: "failed", fail_reason: "circuit_open" },
      { supplier_id: backup.supplierId, status: "succeeded", fail_reason: null },
    ]);
    // Still within the cooldown, a sync is refused without a call.
    expect((await syncNow(merchant, primary.supplierId)).status).toBe(503);
    expect((await primary.sandbox.view()).calls).toEqual(callsBefore.calls);

    // The supplier recovers; after the cooldown one probe goes through and closes the circuit.
    await primary.sandbox.switches({ latencyMs: 0 });
    const retryAt = Date.parse(opened.circuit.retryAt);
    await sleep(Math.max(0, retryAt - Date.now()) + 100);
    expect((await syncNow(merchant, primary.supplierId)).status).toBe(200);
    const closed = await health(merchant, primary.supplierId);
    expect(closed.circuit).toMatchObject({ state: "closed", consecutiveFailures: 0, retryAt: null });
    expect(closed.lastSuccessAt).not.toBeNull();
    // Both count again (the backup has sold one top-up since).
    expect((await syncNow(merchant, backup.supplierId)).status).toBe(200);
    expect((await shopSku(merchant, skuId))?.available).toBe(19_999);
  });

  it("a failed probe opens the circuit again for another cooldown", async () => {
    const primary = await approvedSupplier(merchant, {
      settings: { timeoutMs: 300, failureThreshold: 1, cooldownSeconds: 1 },
    });
    await topUpFor([primary]);
    await primary.sandbox.switches({ failNextCalls: 2 });
    expect((await syncNow(merchant, primary.supplierId)).status).toBe(503);
    const first = await health(merchant, primary.supplierId);
    expect(first.circuit.state).toBe("open");
    await sleep(Math.max(0, Date.parse(first.circuit.retryAt) - Date.now()) + 100);
    expect((await syncNow(merchant, primary.supplierId)).status).toBe(503);
    const again = await health(merchant, primary.supplierId);
    expect(again.circuit).toMatchObject({ state: "open", timesOpened: 2 });
    expect(again.lastFailure).toBe("supplier_error");
  });

  it("asks again after a timeout instead of failing over, so a top-up that went through is never bought twice", async () => {
    const primary = await approvedSupplier(merchant, {
      settings: { timeoutMs: 300, failureThreshold: 5, cooldownSeconds: 30 },
    });
    const backup = await approvedSupplier(merchant);
    const skuId = await topUpFor([primary, backup]);
    await primary.sandbox.switches({ latencyMs: 800, processingCallbacks: false });
    const placed = await order(skuId);
    await pay(placed.payment.id);

    // Our call timed out, but the supplier took the order all the same.
    const [unknown] = await eventually(
      () =>
        d1Rows<{ id: string; status: string }>("SELECT id, status FROM supplier_orders WHERE order_id = ?", placed.id),
      (rows) => rows[0]?.status === "unknown",
    );
    expect(unknown?.status).toBe("unknown");
    await eventually(
      () => primary.sandbox.orders(),
      (orders) => orders.length === 1,
    );
    await primary.sandbox.switches({ latencyMs: 0 });
    await deliverSupplierMessages([{ type: "poll", supplierOrderId: unknown?.id ?? "" }]);

    // If the poll lands while the supplier still answers `processing`, the next poll waits out
    // the queue's backoff; on a loaded machine that is longer than eventually()'s default.
    const done = await eventually(
      () => getOrder(merchant, placed.id, placed.accessToken),
      (res) => res.body.status === "fulfilled",
      30_000,
    );
    expect(done.body.deliveries).toHaveLength(1);
    expect((await primary.sandbox.orders()).map((o) => [o.merchantOrderNo, o.status])).toEqual([
      [unknown?.id, "success"],
    ]);
    expect(await backup.sandbox.orders()).toEqual([]);
  });

  it("sends an order the supplier never received again under the same number", async () => {
    const primary = await approvedSupplier(merchant, { settings: { failureThreshold: 5 } });
    const skuId = await topUpFor([primary]);
    // The supplier fails the call before taking the order.
    await primary.sandbox.switches({ failNextCalls: 1 });
    const placed = await order(skuId);
    await pay(placed.payment.id);
    const [unknown] = await eventually(
      () =>
        d1Rows<{ id: string; status: string }>("SELECT id, status FROM supplier_orders WHERE order_id = ?", placed.id),
      (rows) => rows[0]?.status === "unknown",
    );
    expect(await primary.sandbox.orders()).toEqual([]);
    await deliverSupplierMessages([{ type: "poll", supplierOrderId: unknown?.id ?? "" }]);
    await eventually(
      () => primary.sandbox.orders(),
      (orders) => orders.length === 1,
    );
    await relay(primary.account, 2);
    const done = await eventually(
      () => getOrder(merchant, placed.id, placed.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(done.body.status).toBe("fulfilled");
    expect((await primary.sandbox.orders()).map((o) => o.merchantOrderNo)).toEqual([unknown?.id]);
  });
});
