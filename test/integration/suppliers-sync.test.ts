import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, createProduct, eventually, type TestMerchant } from "./factories";
import { approvedSupplier, bindSku, createTopUpProduct, reviewSupplier, runCron, shopSku, syncNow } from "./supply-kit";

/**
 * Stock sync: the cron enqueues a sync per supplier on the `supplier` queue; the consumer reads
 * each bound SKU's upstream stock and cost, and the shop shows the new availability (and, with
 * a markup, the new price) after that one sync.
 */

const SYNC_INTERVAL_MS = 5 * 60_000;

describe("stock sync", () => {
  let merchant: TestMerchant;

  beforeAll(async () => {
    merchant = await createMerchant();
  });

  it("the cron's sync brings the supplier's availability and price changes to the shop", async () => {
    const supplier = await approvedSupplier(merchant);
    const { skuId } = await createProduct(merchant, "card_secret", undefined, 2_990);
    await bindSku(merchant, skuId, [{ supplierId: supplier.supplierId, productId: "VIDEO-MONTH", cost: 2_000 }], {
      markupBps: 1_000,
    });
    // Binding starts a sync at once: 100 on offer, priced at cost 2 200 + 10 %.
    const first = await eventually(
      () => shopSku(merchant, skuId),
      (sku) => sku?.available === 100,
      20_000,
    );
    expect(first).toMatchObject({ available: 100, price: { amount: 2_420, currency: "CNY" } });
    const bound = await call("GET", `/v1/admin/skus/${skuId}/suppliers`, { token: merchant.adminKey });
    expect(bound.body.suppliers[0]).toMatchObject({ upstreamStock: 100, cost: { amount: 2_200 }, syncError: null });

    // Upstream, the price rises and stock runs low; one cron tick later the shop shows both.
    await supplier.sandbox.product("VIDEO-MONTH", { price: { amount: 2_500, currency: "CNY" }, stock: 7 });
    await runCron(Date.now() + SYNC_INTERVAL_MS);
    const after = await eventually(
      () => shopSku(merchant, skuId),
      (sku) => sku?.available === 7,
      20_000,
    );
    expect(after).toMatchObject({ available: 7, price: { amount: 2_750, currency: "CNY" } });
  });

  it("keeps the merchant's own price when the SKU has no markup", async () => {
    const supplier = await approvedSupplier(merchant);
    const { skuId } = await createProduct(merchant, "card_secret", undefined, 2_990);
    await bindSku(merchant, skuId, [{ supplierId: supplier.supplierId, productId: "VIDEO-MONTH", cost: 2_200 }]);
    await syncNow(merchant, supplier.supplierId);
    expect(await shopSku(merchant, skuId)).toMatchObject({ available: 100, price: { amount: 2_990 } });
    await supplier.sandbox.product("VIDEO-MONTH", { onSale: false });
    await syncNow(merchant, supplier.supplierId);
    expect(await shopSku(merchant, skuId)).toMatchObject({ available: 0, price: { amount: 2_990 } });
  });

  it("stops counting a supplier that cannot be read or is suspended; the backup's stock stays on sale", async () => {
    const primary = await approvedSupplier(merchant, { settings: { failureThreshold: 10 } });
    const backup = await approvedSupplier(merchant);
    const { skuId } = await createTopUpProduct(merchant);
    await bindSku(merchant, skuId, [
      { supplierId: primary.supplierId, productId: "MOBILE-100", cost: 9_800 },
      { supplierId: backup.supplierId, productId: "MOBILE-100", cost: 9_800 },
    ]);
    await syncNow(merchant, primary.supplierId);
    await syncNow(merchant, backup.supplierId);
    expect((await shopSku(merchant, skuId))?.available).toBe(20_000);

    await primary.sandbox.switches({ failNextCalls: 1 });
    expect((await syncNow(merchant, primary.supplierId)).status).toBe(503);
    expect((await shopSku(merchant, skuId))?.available).toBe(10_000);
    const bound = await call("GET", `/v1/admin/skus/${skuId}/suppliers`, { token: merchant.adminKey });
    expect(bound.body.suppliers.map((entry: { role: string; syncError: string | null }) => entry)).toMatchObject([
      { role: "primary", syncError: "supplier_error" },
      { role: "backup", syncError: null },
    ]);
    expect((await syncNow(merchant, primary.supplierId)).status).toBe(200);
    expect((await shopSku(merchant, skuId))?.available).toBe(20_000);

    await reviewSupplier(primary.supplierId, "suspended");
    expect((await syncNow(merchant, primary.supplierId)).status).toBe(409);
    await syncNow(merchant, backup.supplierId);
    expect((await shopSku(merchant, skuId))?.available).toBe(10_000);
  });
});
