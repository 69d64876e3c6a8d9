import { expect, it } from "vitest";
import {
  type Db,
  expireOrder,
  findOrder,
  findSkuOfMerchant,
  insertDeliveries,
  listOrdersPage,
  orderStatements,
  runAtomic,
  type SkuRow,
  stockLevelStatement,
} from "../../src";
import { makeMerchant, makeOrder, makeProduct, newDelivery, newOrder } from "../factories";

async function merchantWithSku(db: Db): Promise<{ merchantId: string; sku: SkuRow }> {
  const merchant = await makeMerchant(db);
  const sku = (await makeProduct(db, merchant.id)).skus[0];
  if (!sku) throw new Error("no SKU");
  return { merchantId: merchant.id, sku };
}

export function orderTests(db: () => Db): void {
  it("loads an order with its items, payment and deliveries by item and seq", async () => {
    const { merchantId, sku } = await merchantWithSku(db());
    const made = await makeOrder(db(), merchantId, sku, { quantity: 3 });
    expect(
      await insertDeliveries(
        db(),
        merchantId,
        [2, 0, 1].map((seq) => newDelivery(made, seq)),
      ),
    ).toBe(3);
    const found = await findOrder(db(), merchantId, made.order.id);
    expect(found?.order).toMatchObject({ ...made.order, merchantId });
    expect(found?.items).toEqual([expect.objectContaining({ ...made.items[0], merchantId, orderId: made.order.id })]);
    expect(found?.payment).toMatchObject({ ...made.payment, merchantId, orderId: made.order.id });
    expect(found?.deliveries.map((row) => row.seq)).toEqual([0, 1, 2]);
    expect(found?.deliveries.every((row) => row.merchantId === merchantId)).toBe(true);
  });

  it("reads another merchant's order as missing", async () => {
    const a = await merchantWithSku(db());
    const b = await merchantWithSku(db());
    const made = await makeOrder(db(), a.merchantId, a.sku);
    expect(await findOrder(db(), b.merchantId, made.order.id)).toBeNull();
    expect(await findOrder(db(), a.merchantId, "ord_missing")).toBeNull();
    expect((await listOrdersPage(db(), b.merchantId, { limit: 100 })).data).toEqual([]);
  });

  it("never attaches rows another merchant wrote against an order", async () => {
    const a = await merchantWithSku(db());
    const b = await merchantWithSku(db());
    const made = await makeOrder(db(), a.merchantId, a.sku);
    await insertDeliveries(db(), b.merchantId, [newDelivery(made, 0)]);
    expect((await findOrder(db(), a.merchantId, made.order.id))?.deliveries).toEqual([]);
    expect(await findOrder(db(), b.merchantId, made.order.id)).toBeNull();
  });

  it("writes each delivery seat once, keeping the first code", async () => {
    const { merchantId, sku } = await merchantWithSku(db());
    const made = await makeOrder(db(), merchantId, sku, { quantity: 2 });
    expect(
      await insertDeliveries(db(), merchantId, [newDelivery(made, 0, "first"), newDelivery(made, 1, "first")]),
    ).toBe(2);
    expect(
      await insertDeliveries(db(), merchantId, [newDelivery(made, 1, "second"), newDelivery(made, 2, "second")]),
    ).toBe(1);
    expect(await insertDeliveries(db(), merchantId, [])).toBe(0);
    const found = await findOrder(db(), merchantId, made.order.id);
    expect(found?.deliveries.map((row) => row.codeCiphertext)).toEqual(["k1:first", "k1:first", "k1:second"]);
  });

  it("splits a large delivery insert to fit the bound-parameter limit", async () => {
    const { merchantId, sku } = await merchantWithSku(db());
    const made = await makeOrder(db(), merchantId, sku, { quantity: 60 });
    const rows = Array.from({ length: 60 }, (_, seq) => newDelivery(made, seq));
    expect(await insertDeliveries(db(), merchantId, rows)).toBe(60);
    expect((await findOrder(db(), merchantId, made.order.id))?.deliveries).toHaveLength(60);
  });

  it("pages orders newest first, each with its own items and payment", async () => {
    const { merchantId, sku } = await merchantWithSku(db());
    const made: string[] = [];
    for (let i = 0; i < 12; i++) made.push((await makeOrder(db(), merchantId, sku, { quantity: i + 1 })).order.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listOrdersPage(db(), merchantId, { limit: 5, cursor });
      for (const { order, items, payment } of page.data) {
        seen.push(order.id);
        expect(items).toHaveLength(1);
        expect(items[0]?.orderId).toBe(order.id);
        expect(items[0]?.quantity).toBe(made.indexOf(order.id) + 1);
        expect(payment?.orderId).toBe(order.id);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
  });

  it("loads a full page of 100 orders with their lines", async () => {
    const { merchantId, sku } = await merchantWithSku(db());
    const orders = Array.from({ length: 101 }, () => newOrder(sku));
    const [first, ...rest] = orders.flatMap((order) => orderStatements(db(), merchantId, order));
    if (!first) throw new Error("no statements");
    await runAtomic(db(), [first, ...rest]);
    const page = await listOrdersPage(db(), merchantId, { limit: 100 });
    expect(page.data).toHaveLength(100);
    expect(page.data.every((entry) => entry.items.length === 1 && entry.payment !== undefined)).toBe(true);
    expect(page.nextCursor).toBe(page.data[99]?.order.id);
    const last = await listOrdersPage(db(), merchantId, { limit: 100, cursor: page.nextCursor ?? "" });
    expect(last.data.map((entry) => entry.order.id)).toEqual([orders[0]?.order.id]);
    expect(last.nextCursor).toBeNull();
  });

  it("filters orders by status, and by email however it is typed", async () => {
    const { merchantId, sku } = await merchantWithSku(db());
    const paid = await makeOrder(db(), merchantId, sku, { status: "paid", email: "ann@example.test" });
    await makeOrder(db(), merchantId, sku, { status: "awaiting_payment", email: "ann@example.test" });
    const bobs = await makeOrder(db(), merchantId, sku, { status: "paid", email: "bob@example.test" });
    const ids = async (options: Parameters<typeof listOrdersPage>[2]) =>
      (await listOrdersPage(db(), merchantId, options)).data.map((entry) => entry.order.id);
    expect(await ids({ limit: 10, status: "paid" })).toEqual([bobs.order.id, paid.order.id]);
    expect(await ids({ limit: 10, email: "  ANN@Example.test " })).toHaveLength(2);
    expect(await ids({ limit: 10, status: "paid", email: "ann@example.test" })).toEqual([paid.order.id]);
    expect(await ids({ limit: 10, status: "refunded" })).toEqual([]);
  });

  it("writes an order and the stock it reserved in one atomic batch", async () => {
    const { merchantId, sku } = await merchantWithSku(db());
    const made = newOrder(sku, { quantity: 2 });
    await runAtomic(db(), [
      ...orderStatements(db(), merchantId, made),
      stockLevelStatement(db(), merchantId, sku.id, { available: 8, version: 2 }),
    ]);
    expect((await findOrder(db(), merchantId, made.order.id))?.items).toHaveLength(1);
    expect((await findSkuOfMerchant(db(), merchantId, sku.id))?.sku).toMatchObject({
      stockAvailable: 8,
      stockVersion: 2,
    });
  });

  it("expires an unpaid order once, and never another merchant's or a paid one", async () => {
    const a = await merchantWithSku(db());
    const b = await merchantWithSku(db());
    const unpaid = await makeOrder(db(), a.merchantId, a.sku);
    const paid = await makeOrder(db(), a.merchantId, a.sku, { status: "paid" });
    expect(await expireOrder(db(), b.merchantId, unpaid.order.id, 5)).toBe(false);
    expect(await expireOrder(db(), a.merchantId, paid.order.id, 5)).toBe(false);
    expect(await expireOrder(db(), a.merchantId, unpaid.order.id, 5)).toBe(true);
    expect(await expireOrder(db(), a.merchantId, unpaid.order.id, 6)).toBe(false);
    expect((await findOrder(db(), a.merchantId, unpaid.order.id))?.order).toMatchObject({
      status: "expired",
      statusReason: "reservation_expired",
      updatedAt: 5,
    });
    expect((await findOrder(db(), a.merchantId, paid.order.id))?.order.status).toBe("paid");
  });
}
