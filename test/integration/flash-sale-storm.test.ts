import { customerOf, homeShard } from "@tessera/domain";
import { describe, expect, it } from "vitest";
import {
  type ApiResponse,
  call,
  createFlashSale,
  createMerchant,
  createProduct,
  d1Rows,
  eventually,
  listAll,
  pay,
  stock,
  stockOf,
  stockShardOf,
  tally,
  unique,
} from "./factories";

/** Runs `task` over `items` in waves of `wave`, every request of a wave in flight at once. */
async function inWaves<T, R>(items: T[], wave: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += wave) results.push(...(await Promise.all(items.slice(i, i + wave).map(task))));
  return results;
}

const SHARDS = 8;
const QUOTA = 1_000;
const BUYERS = 10_000;
const LIMIT = 2;

/**
 * The flash sale the issue asks for: 1,000 card secrets against 10,000 buyers, 500 orders in
 * flight at a time, over 8 shards. Buyers are 3,334 customers who each try three times, spelling
 * their email three ways, under a limit of two per customer.
 */
describe("a flash sale under a storm of buyers", () => {
  it("1,000 units, 10,000 simultaneous orders in waves of 500, 8 shards: exactly 1,000 sold, each unit once, no customer past the limit", async () => {
    const merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret", undefined, 1999);
    const prefix = unique("STORM");
    await stock(merchant, card.skuId, QUOTA + 200, prefix);
    const sale = await createFlashSale(merchant, card.skuId, {
      quota: QUOTA,
      shards: SHARDS,
      perCustomerLimit: LIMIT,
      price: 99,
    });
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 200, reserved: 0, sold: 0 });

    const spellings = (n: number) => [`fan${n}@example.test`, `Fan${n}@Example.TEST`, `fan${n}+again@example.test`];
    const emails = Array.from({ length: BUYERS }, (_, i) => spellings(Math.floor(i / 3))[i % 3] as string);
    const started = Date.now();
    const attempts: ApiResponse[] = await inWaves(emails, 500, (email) =>
      call("POST", `/v1/shops/${merchant.slug}/orders`, {
        json: { email, items: [{ skuId: card.skuId, quantity: 1 }] },
      }),
    );

    const ordered = Date.now();
    const counts = tally(attempts);
    expect(counts["201"]).toBe(QUOTA);
    expect(Object.keys(counts).sort()).toEqual(["201", "409 sale_limit_exceeded", "409 sale_sold_out"]);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(BUYERS);
    const placed = attempts.filter((res) => res.status === 201).map((res) => res.body);
    expect(placed.every((order) => order.total.amount === 99)).toBe(true);

    // Every shard is empty and holds its customers' reservations; nothing is stranded anywhere.
    const levels = await Promise.all(Array.from({ length: SHARDS }, (_, i) => stockShardOf(sale.id, i).levels()));
    expect(levels.reduce((n, level) => n + level.available, 0)).toBe(0);
    expect(levels.reduce((n, level) => n + level.reserved, 0)).toBe(QUOTA);
    expect(await stockOf(merchant, card.skuId)).toEqual({ available: 200, reserved: 0, sold: 0 });

    // No customer past the limit, counted by the orders and by each customer's home shard.
    const perCustomer = new Map<string, number>();
    for (const order of placed)
      perCustomer.set(customerOf(order.email), (perCustomer.get(customerOf(order.email)) ?? 0) + 1);
    expect(Math.max(...perCustomer.values())).toBeLessThanOrEqual(LIMIT);
    const sample = [...perCustomer.keys()].slice(0, 50);
    const homeCounts = await Promise.all(
      sample.map((customer) => stockShardOf(sale.id, homeShard(customer, SHARDS)).purchasesOf(customer)),
    );
    expect(homeCounts).toEqual(sample.map((customer) => perCustomer.get(customer)));

    // Paid, every order gets one unit of the sale, and no unit goes to two buyers.
    const paid = await inWaves(placed, 100, (order) => pay(order.payment.id));
    expect(paid.every((res) => res.status === 200 && res.body.webhook?.status === 200)).toBe(true);
    await eventually(
      () => listAll("/v1/admin/orders?status=fulfilled", merchant.adminKey),
      (orders) => orders.length === QUOTA,
      60_000,
    );
    console.info(
      `flash-sale storm: ${BUYERS} orders in ${((ordered - started) / 1000).toFixed(1)} s, ${QUOTA} payments and deliveries in ${((Date.now() - ordered) / 1000).toFixed(1)} s`,
      JSON.stringify(counts),
    );
    const [delivered] = await d1Rows<{ n: number; units: number }>(
      "SELECT count(*) AS n, count(DISTINCT code_ciphertext) AS units FROM deliveries WHERE merchant_id = ?",
      merchant.id,
    );
    expect(delivered).toEqual({ n: QUOTA, units: QUOTA });
    const after = await Promise.all(Array.from({ length: SHARDS }, (_, i) => stockShardOf(sale.id, i).levels()));
    expect(after.reduce((n, level) => n + level.sold, 0)).toBe(QUOTA);
    expect(after.reduce((n, level) => n + level.reserved + level.available, 0)).toBe(0);
    // Every order also passes its buyer's risk gate (one RateGate call, and one more to forget an
    // order the sale refused): 10,000 orders took 182 s with them on a shared machine (292 s
    // before the gates were spread over warm objects), past the 300 s this test had.
  }, 600_000);
});
