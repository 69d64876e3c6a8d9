import { newId } from "@tessera/domain";
import {
  type Db,
  insertMerchant,
  insertOrder,
  insertProduct,
  type NewDelivery,
  type NewOrder,
  type OrderStatus,
  type ProductRow,
  type SkuRow,
} from "../src";

// Each test builds its own merchant and rows through the helpers under test, with fresh ids, so
// no test depends on another's data or on the order tests run in.

let clock = Date.UTC(2026, 0, 1);

/** A strictly increasing time, so ids made one after another also sort one after another. */
export function tick(): number {
  clock += 1;
  return clock;
}

export async function makeMerchant(db: Db): Promise<{ id: string; slug: string }> {
  const now = tick();
  const id = newId("merchant", now);
  const slug = id.toLowerCase().replace("_", "-");
  await insertMerchant(
    db,
    { id, slug, name: `Shop ${slug}`, createdAt: now },
    {
      id: newId("staff", now),
      email: `${slug}@example.test`,
      name: "Owner",
      role: "owner",
      passwordHash: "x",
      createdAt: now,
    },
  );
  return { id, slug };
}

export async function makeProduct(
  db: Db,
  merchantId: string,
  options: { listed?: boolean; skus?: number; kind?: ProductRow["kind"] } = {},
): Promise<{ product: ProductRow; skus: SkuRow[] }> {
  const now = tick();
  const product: ProductRow = {
    id: newId("product", now),
    merchantId,
    name: "Product",
    kind: options.kind ?? "card_secret",
    description: null,
    instructions: "Redeem at the counter",
    imageUrl: null,
    listed: options.listed ?? true,
    rechargeTemplate: null,
    createdAt: now,
    updatedAt: now,
  };
  const skus = Array.from(
    { length: options.skus ?? 1 },
    (_, i): SkuRow => ({
      id: newId("sku", now),
      merchantId,
      productId: product.id,
      name: `SKU ${i}`,
      priceAmount: 1000 + i,
      currency: "CNY",
      policyUses: 1,
      policyValidDays: null,
      policyTerms: null,
      stockAvailable: 0,
      stockReserved: 0,
      stockSold: 0,
      stockVersion: 0,
      lowStockThreshold: null,
      upstreamAvailable: 0,
      renewalPeriod: null,
      renewalEvery: null,
      createdAt: now,
    }),
  );
  await insertProduct(db, merchantId, product, skus);
  return { product, skus };
}

export function newOrder(
  sku: SkuRow,
  options: { status?: OrderStatus; email?: string; quantity?: number; now?: number } = {},
): NewOrder {
  const now = options.now ?? tick();
  const id = newId("order", now);
  const quantity = options.quantity ?? 1;
  return {
    order: {
      id,
      email: options.email ?? "buyer@example.test",
      status: options.status ?? "awaiting_payment",
      totalAmount: sku.priceAmount * quantity,
      currency: sku.currency,
      accessTokenHash: "hash",
      reservationExpiresAt: now + 900_000,
      createdAt: now,
      updatedAt: now,
    },
    items: [
      {
        id: newId("orderItem", now),
        skuId: sku.id,
        productName: "Product",
        skuName: sku.name,
        kind: "card_secret",
        quantity,
        unitAmount: sku.priceAmount,
        currency: sku.currency,
        policyUses: 1,
      },
    ],
    payment: {
      id: newId("payment", now),
      provider: "sandbox",
      status: "pending",
      amount: sku.priceAmount * quantity,
      currency: sku.currency,
      createdAt: now,
      updatedAt: now,
    },
  };
}

export async function makeOrder(
  db: Db,
  merchantId: string,
  sku: SkuRow,
  options: Parameters<typeof newOrder>[1] = {},
): Promise<NewOrder> {
  const order = newOrder(sku, options);
  await insertOrder(db, merchantId, order);
  return order;
}

export function newDelivery(order: NewOrder, seq: number, code = `code-${seq}`): NewDelivery {
  const item = order.items[0];
  if (!item) throw new Error("order has no item");
  return {
    id: newId("delivery", tick()),
    orderId: order.order.id,
    itemId: item.id,
    skuId: item.skuId,
    seq,
    codeCiphertext: `k1:${code}`,
    createdAt: tick(),
  };
}
