import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createServiceContext } from "../../workers/context";
import { loadConfig } from "../../workers/env";
import { fulfillOrder } from "../../workers/services/fulfillment";
import {
  call,
  createMerchant,
  createProduct,
  d1Rows,
  eventually,
  getOrder,
  pay,
  placeOrder,
  stock,
  stockOf,
  type TestMerchant,
} from "./factories";
import { approvedSupplier, bindSku, deliverSupplierMessages, relay, runCron, shopSku, syncNow } from "./supply-kit";

/**
 * Just-in-time purchase: a card-secret order the merchant cannot serve from its own stock is
 * bought from the SKU's supplier with our order number (so a repeat never buys twice) and
 * delivered; a SKU whose own stock falls under its threshold is restocked from its supplier.
 */

async function fulfilAgain(orderId: string) {
  const ctx = createExecutionContext();
  const services = createServiceContext(env, loadConfig(env), (p) => ctx.waitUntil(p));
  const result = await fulfillOrder(services, orderId);
  await waitOnExecutionContext(ctx);
  return result;
}

describe("just-in-time purchase", () => {
  let merchant: TestMerchant;

  beforeAll(async () => {
    merchant = await createMerchant();
  });

  async function suppliedCardSku(options: Parameters<typeof approvedSupplier>[1] = {}, ownStock = 0) {
    const supplier = await approvedSupplier(merchant, options);
    const { skuId } = await createProduct(merchant, "card_secret", undefined, 2_990);
    if (ownStock > 0) await stock(merchant, skuId, ownStock);
    await bindSku(merchant, skuId, [{ supplierId: supplier.supplierId, productId: "VIDEO-MONTH", cost: 2_200 }]);
    expect((await syncNow(merchant, supplier.supplierId)).status).toBe(200);
    return { supplier, skuId };
  }

  it("buys the cards an order needs from the supplier when the merchant holds none, and delivers them", async () => {
    const { supplier, skuId } = await suppliedCardSku();
    expect((await shopSku(merchant, skuId))?.available).toBe(100);

    const placed = await placeOrder(merchant, [{ skuId, quantity: 2 }]);
    expect(placed.status).toBe(201);
    expect((await stockOf(merchant, skuId)).reserved).toBe(0);
    await pay(placed.body.payment.id);
    const done = await eventually(
      () => getOrder(merchant, placed.body.id, placed.body.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(done.body.deliveries).toHaveLength(2);
    for (const delivery of done.body.deliveries) {
      expect(delivery.code).toMatch(/^SBX-[0-9A-F]{12}$/);
      expect(delivery.secret).toMatch(/^\d{10}$/);
    }
    const upstream = await supplier.sandbox.orders();
    expect(upstream).toHaveLength(1);
    expect(upstream[0]).toMatchObject({ productId: "VIDEO-MONTH", quantity: 2, status: "success", cards: 2 });

    // Card secrets are stored encrypted: neither the upstream order nor the deliveries hold them in clear.
    const [row] = await d1Rows<{ cards_ciphertext: string }>(
      "SELECT cards_ciphertext FROM supplier_orders WHERE order_id = ?",
      placed.body.id,
    );
    const stored = JSON.stringify(
      await d1Rows("SELECT code_ciphertext, secret_ciphertext FROM deliveries WHERE order_id = ?", placed.body.id),
    );
    for (const delivery of done.body.deliveries) {
      expect(row?.cards_ciphertext).not.toContain(delivery.code);
      expect(stored).not.toContain(delivery.code);
      expect(stored).not.toContain(delivery.secret);
    }

    // Fulfilment runs again (the queue's retry, a duplicate message): nothing more is bought.
    expect(await fulfilAgain(placed.body.id)).toEqual({ status: "fulfilled" });
    expect(await supplier.sandbox.orders()).toHaveLength(1);
  });

  it("serves the merchant's own stock first and buys nothing", async () => {
    const { supplier, skuId } = await suppliedCardSku({}, 3);
    expect((await shopSku(merchant, skuId))?.available).toBe(103);
    const placed = await placeOrder(merchant, [{ skuId, quantity: 2 }]);
    await pay(placed.body.payment.id);
    await eventually(
      () => getOrder(merchant, placed.body.id, placed.body.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(await supplier.sandbox.orders()).toEqual([]);
  });

  it("does not hold up anything while a slow supplier processes: its callback delivers the cards later", async () => {
    const { supplier, skuId } = await suppliedCardSku({ switches: { asyncPurchases: true, autoFinish: false } });
    const placed = await placeOrder(merchant, [{ skuId, quantity: 1 }]);
    await pay(placed.body.payment.id);
    await eventually(
      () => supplier.sandbox.orders(),
      (orders) => orders.length === 1,
    );
    expect((await getOrder(merchant, placed.body.id, placed.body.accessToken)).body.status).toBe("paid");
    const [upstream] = await supplier.sandbox.orders();
    await supplier.sandbox.finish(upstream.merchantOrderNo, "success");
    await relay(supplier.account, 2);
    const done = await eventually(
      () => getOrder(merchant, placed.body.id, placed.body.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(done.body.deliveries).toHaveLength(1);
    expect(await supplier.sandbox.orders()).toHaveLength(1);
  });

  it("refuses an order neither the merchant's stock nor its suppliers can cover", async () => {
    const { supplier, skuId } = await suppliedCardSku();
    await supplier.sandbox.product("VIDEO-MONTH", { stock: 1 });
    await syncNow(merchant, supplier.supplierId);
    const res = await placeOrder(merchant, [{ skuId, quantity: 2 }]);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("insufficient_stock");
  });

  it("restocks a SKU whose own stock is under its threshold, once, with one upstream order", async () => {
    const { supplier, skuId } = await suppliedCardSku({}, 2);
    await bindSku(merchant, skuId, [{ supplierId: supplier.supplierId, productId: "VIDEO-MONTH", cost: 2_200 }], {
      restock: { threshold: 5, quantity: 10 },
    });
    // The sync that follows a binding finds 2 < 5 and restocks.
    expect((await syncNow(merchant, supplier.supplierId)).status).toBe(200);
    expect((await stockOf(merchant, skuId)).available).toBe(12);
    expect((await syncNow(merchant, supplier.supplierId)).status).toBe(200);
    await deliverSupplierMessages([{ type: "restock", merchantId: merchant.id, skuId }]);
    expect((await stockOf(merchant, skuId)).available).toBe(12);
    const upstream = await supplier.sandbox.orders();
    expect(upstream).toHaveLength(1);
    expect(upstream[0]).toMatchObject({ quantity: 10, status: "success" });
  });

  it("the cron finds a SKU whose sales took it under its threshold, and the supplier queue restocks it", async () => {
    const supplier = await approvedSupplier(merchant);
    const { skuId } = await createProduct(merchant, "card_secret", undefined, 2_990);
    await stock(merchant, skuId, 4);
    // The sync the binding starts fails, so it restocks nothing: only the cron's tick can.
    await supplier.sandbox.switches({ failNextCalls: 1 });
    await bindSku(merchant, skuId, [{ supplierId: supplier.supplierId, productId: "VIDEO-MONTH", cost: 2_200 }], {
      restock: { threshold: 3, quantity: 4 },
    });
    await eventually(
      () => call("GET", `/v1/admin/skus/${skuId}/suppliers`, { token: merchant.adminKey }),
      (res) => res.body.suppliers[0]?.syncError === "supplier_error",
      20_000,
    );
    const sold = await placeOrder(merchant, [{ skuId, quantity: 2 }]);
    await pay(sold.body.payment.id);
    await eventually(
      () => stockOf(merchant, skuId),
      (current) => current.sold === 2,
    );
    expect(await supplier.sandbox.orders()).toEqual([]);

    await runCron(Date.now() + 5 * 60_000);
    const levels = await eventually(
      () => stockOf(merchant, skuId),
      (current) => current.available === 6,
      20_000,
    );
    expect(levels).toMatchObject({ available: 6, sold: 2 });
    expect(await supplier.sandbox.orders()).toHaveLength(1);
  });
});
