import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, d1Rows, eventually, getOrder, pay, placeOrder, type TestMerchant } from "./factories";
import { approvedSupplier, bindSku, createTopUpProduct, relay, shopSku, syncNow } from "./supply-kit";

/**
 * Direct top-ups (直充) against the sandbox supplier over HTTP: the buyer names the recipient,
 * fulfilment places the top-up upstream, and the order ends `fulfilled` once the supplier
 * reports success (by callback or by poll), or `refunded` once the primary and every backup
 * failed.
 */

const PHONE = "13800138000";

async function topUpOrder(merchant: TestMerchant, skuId: string, recipient: Record<string, string> = { phone: PHONE }) {
  const res = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
    json: { email: "buyer@example.test", items: [{ skuId, quantity: 1, recipient }] },
  });
  if (res.status !== 201) throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; accessToken: string; payment: { id: string }; items: any[] };
}

const statusOf = async (merchant: TestMerchant, order: { id: string; accessToken: string }) =>
  (await getOrder(merchant, order.id, order.accessToken)).body;

describe("direct top-ups", () => {
  let merchant: TestMerchant;

  beforeAll(async () => {
    merchant = await createMerchant();
  });

  async function topUpSku(suppliers: { supplierId: string }[]) {
    const { skuId } = await createTopUpProduct(merchant);
    await bindSku(
      merchant,
      skuId,
      suppliers.map(({ supplierId }) => ({ supplierId, productId: "MOBILE-100", cost: 9800 })),
    );
    for (const { supplierId } of suppliers) expect((await syncNow(merchant, supplierId)).status).toBe(200);
    return skuId;
  }

  it("tops up the recipient's phone and delivers the carrier's receipt once the supplier's callback arrives", async () => {
    const primary = await approvedSupplier(merchant);
    const skuId = await topUpSku([primary]);
    expect((await shopSku(merchant, skuId))?.available).toBe(10_000);

    const order = await topUpOrder(merchant, skuId, { phone: "+86 138-0013-8000" });
    expect(order.items[0].recipient).toBe("138****8000");
    expect((await pay(order.payment.id)).status).toBe(200);

    // The supplier accepted the top-up and works on it: the order waits, paid.
    await eventually(
      () => primary.sandbox.orders(),
      (orders) => orders.length === 1,
    );
    const [upstream] = await primary.sandbox.orders();
    expect(upstream).toMatchObject({ productId: "MOBILE-100", quantity: 1, account: { phone: PHONE } });

    const answers = await relay(primary.account, 2);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const done = await eventually(
      () => statusOf(merchant, order),
      (body) => body.status === "fulfilled",
    );
    expect(done.status).toBe("fulfilled");
    expect(done.deliveries).toHaveLength(1);
    const settled = (await primary.sandbox.orders())[0];
    expect(done.deliveries[0].code).toBe(settled.serialNo);
    expect(done.deliveries[0].instructions).toBe("The credit arrives within minutes.");
  });

  it("finishes a top-up by polling when no callback ever comes", async () => {
    const primary = await approvedSupplier(merchant, { switches: { processingCallbacks: false } });
    const skuId = await topUpSku([primary]);
    const order = await topUpOrder(merchant, skuId);
    await pay(order.payment.id);
    // Nobody relays the callbacks: the poll (2 s backoff, then the queue) finds the outcome.
    const done = await eventually(
      () => statusOf(merchant, order),
      (body) => body.status === "fulfilled",
      30_000,
    );
    expect(done.status).toBe("fulfilled");
    expect(done.deliveries).toHaveLength(1);
    expect(await primary.sandbox.orders()).toHaveLength(1);
  });

  it("fails over to the backup when the primary's top-up fails, and delivers exactly once", async () => {
    const primary = await approvedSupplier(merchant, {
      switches: { topUpOutcome: "failed", failReason: "CARRIER_REJECTED" },
    });
    const backup = await approvedSupplier(merchant);
    const skuId = await topUpSku([primary, backup]);
    const order = await topUpOrder(merchant, skuId);
    await pay(order.payment.id);

    await relay(primary.account, 2);
    await eventually(
      () => backup.sandbox.orders(),
      (orders) => orders.length === 1,
    );
    await relay(backup.account, 2);
    const done = await eventually(
      () => statusOf(merchant, order),
      (body) => body.status === "fulfilled",
    );
    expect(done.status).toBe("fulfilled");
    expect(done.deliveries).toHaveLength(1);
    expect((await primary.sandbox.orders()).map((o) => o.status)).toEqual(["failed"]);
    expect((await backup.sandbox.orders()).map((o) => o.status)).toEqual(["success"]);

    const attempts = await d1Rows<{ supplier_id: string; status: string; attempt: number; fail_reason: string | null }>(
      "SELECT supplier_id, status, attempt, fail_reason FROM supplier_orders WHERE order_id = ? ORDER BY attempt",
      order.id,
    );
    expect(attempts).toEqual([
      { supplier_id: primary.supplierId, status: "failed", attempt: 0, fail_reason: "CARRIER_REJECTED" },
      { supplier_id: backup.supplierId, status: "succeeded", attempt: 1, fail_reason: null },
    ]);
  });

  it("fails over when the primary refuses the order outright (out of stock at the supplier)", async () => {
    const primary = await approvedSupplier(merchant);
    const backup = await approvedSupplier(merchant);
    const skuId = await topUpSku([primary, backup]);
    await primary.sandbox.product("MOBILE-100", { stock: 0 });
    const order = await topUpOrder(merchant, skuId);
    await pay(order.payment.id);
    await relay(backup.account, 2);
    const done = await eventually(
      () => statusOf(merchant, order),
      (body) => body.status === "fulfilled",
    );
    expect(done.status).toBe("fulfilled");
    expect(await primary.sandbox.orders()).toHaveLength(0);
  });

  it("refunds the order when the primary and every backup failed", async () => {
    const primary = await approvedSupplier(merchant, { switches: { topUpOutcome: "failed" } });
    const backup = await approvedSupplier(merchant, { switches: { topUpOutcome: "failed" } });
    const skuId = await topUpSku([primary, backup]);
    const order = await topUpOrder(merchant, skuId);
    await pay(order.payment.id);
    await relay(primary.account, 2);
    await eventually(
      () => backup.sandbox.orders(),
      (orders) => orders.length === 1,
    );
    await relay(backup.account, 2);
    const done = await eventually(
      () => statusOf(merchant, order),
      (body) => body.status === "refunded",
    );
    expect(done).toMatchObject({ status: "refunded", statusReason: "supplier_failed", deliveries: [] });
    const ledger = await d1Rows<{ kind: string; amount: number }>(
      "SELECT kind, amount FROM ledger_entries WHERE order_id = ? ORDER BY kind",
      order.id,
    );
    expect(ledger).toEqual([
      { kind: "payment", amount: 10_000 },
      { kind: "refund", amount: -10_000 },
    ]);
  });

  it("refuses a recipient the product's template does not accept, before anything is reserved", async () => {
    const primary = await approvedSupplier(merchant);
    const skuId = await topUpSku([primary]);
    const missing = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      json: { email: "buyer@example.test", items: [{ skuId, quantity: 1 }] },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: "items.0.recipient.phone", message: expect.any(String) }]);
    const wrong = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      json: { email: "buyer@example.test", items: [{ skuId, quantity: 1, recipient: { phone: "12345" } }] },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("validation_failed");
  });

  it("checks a game account's region against the product's list", async () => {
    const primary = await approvedSupplier(merchant);
    const { skuId } = await createTopUpProduct(merchant, { template: "game_account", regions: ["asia", "eu"] }, 600);
    await bindSku(merchant, skuId, [{ supplierId: primary.supplierId, productId: "GAME-60", cost: 550 }]);
    await syncNow(merchant, primary.supplierId);
    const refused = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      json: {
        email: "b@example.test",
        items: [{ skuId, quantity: 1, recipient: { gameId: "player_01", region: "mars" } }],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(["items.0.recipient.region"]);
    const order = await topUpOrder(merchant, skuId, { gameId: "player_01", region: "eu" });
    expect(order.items[0].recipient).toBe("pl*****01 (eu)");
  });

  it("answers 409 insufficient_stock when no supplier offers the top-up", async () => {
    const { skuId } = await createTopUpProduct(merchant);
    const res = await placeOrder(merchant, [{ skuId, quantity: 1 }]);
    // No recipient, no supplier: the recipient is checked first.
    expect(res.status).toBe(400);
    const noSupply = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      json: { email: "b@example.test", items: [{ skuId, quantity: 1, recipient: { phone: PHONE } }] },
    });
    expect(noSupply.status).toBe(409);
    expect(noSupply.body.code).toBe("insufficient_stock");
  });
});
