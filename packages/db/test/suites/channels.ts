import { newId } from "@tessera/domain";
import { expect, it } from "vitest";
import {
  balanceMovementStatements,
  channelStatement,
  claimQuotaStatements,
  type Db,
  findChannel,
  findShopChannel,
  isBalanceMismatch,
  isOverdraft,
  isQuotaRefusal,
  listBalanceEntriesPage,
  priceEntriesFor,
  quotaHoldsOf,
  reclaimQuotaStatements,
  refundCreditStatements,
  releaseQuotaStatements,
  runAtomic,
  shopChannelStatement,
  upsertPriceEntryStatement,
} from "../../src";
import { makeMerchant, makeOrder, makeProduct, tick } from "../factories";

function channelRow(kind: "shop" | "reseller" = "reseller") {
  const now = tick();
  return {
    id: newId("channel", now),
    kind,
    name: "Agent",
    status: "active" as const,
    publishableKey: null,
    contactEmail: "agent@example.test",
    balanceCurrency: "CNY" as const,
    createdAt: now,
    updatedAt: now,
  };
}

function movement(channelId: string, amount: number, orderId: string | null = null, kind = "top_up" as const) {
  return {
    id: newId("balanceEntry", tick()),
    channelId,
    kind,
    amount,
    currency: "CNY" as const,
    orderId,
    actor: null,
    note: null,
    createdAt: tick(),
  };
}

async function reseller(db: Db) {
  const merchant = await makeMerchant(db);
  const channel = channelRow();
  await channelStatement(db, merchant.id, channel);
  const { skus } = await makeProduct(db, merchant.id);
  const sku = skus[0];
  if (!sku) throw new Error("no sku");
  return { merchant, channel, sku };
}

async function quotaUsed(db: Db, merchantId: string, channelId: string, skuId: string) {
  return (await priceEntriesFor(db, merchantId, channelId, [skuId]))[0]?.quotaUsed;
}

export function channelTests(db: () => Db): void {
  it("keeps one shop channel per merchant, however many writers race to make it", async () => {
    const merchant = await makeMerchant(db());
    await Promise.all(Array.from({ length: 5 }, () => shopChannelStatement(db(), merchant.id, channelRow("shop"))));
    const shop = await findShopChannel(db(), merchant.id);
    expect(shop?.kind).toBe("shop");
    await expect(channelStatement(db(), merchant.id, channelRow("shop"))).rejects.toThrow();
  });

  it("never lets a balance go below zero: the overdrawing batch fails whole, with its ledger row", async () => {
    const { merchant, channel } = await reseller(db());
    await runAtomic(db(), [...balanceMovementStatements(db(), merchant.id, movement(channel.id, 500))]);
    const overdraw = runAtomic(db(), [...balanceMovementStatements(db(), merchant.id, movement(channel.id, -501))]);
    const error = await overdraw.catch((e: unknown) => e);
    expect(isOverdraft(error)).toBe(true);
    await runAtomic(db(), [...balanceMovementStatements(db(), merchant.id, movement(channel.id, -500))]);
    expect((await findChannel(db(), merchant.id, channel.id))?.balanceAmount).toBe(0);
    const page = await listBalanceEntriesPage(db(), merchant.id, channel.id, { limit: 10 });
    expect(page.data.map((row) => [row.amount, row.balanceAfter])).toEqual([
      [-500, 0],
      [500, 500],
    ]);
  });

  it("fails a movement in another currency than the balance's, changing nothing", async () => {
    const { merchant, channel } = await reseller(db());
    const usd = { ...movement(channel.id, 100), currency: "USD" as const };
    const error = await runAtomic(db(), [...balanceMovementStatements(db(), merchant.id, usd)]).catch(
      (e: unknown) => e,
    );
    expect(isBalanceMismatch(error)).toBe(true);
    expect((await listBalanceEntriesPage(db(), merchant.id, channel.id, { limit: 10 })).data).toEqual([]);
  });

  it("credits a refund back once, however often it is written", async () => {
    const { merchant, channel, sku } = await reseller(db());
    const order = await makeOrder(db(), merchant.id, sku);
    const credit = { ...movement(channel.id, 300, order.order.id), kind: "refund_credit" as const };
    for (let i = 0; i < 3; i++) {
      await runAtomic(db(), [
        ...refundCreditStatements(db(), merchant.id, {
          ...credit,
          id: newId("balanceEntry", tick()),
          orderId: order.order.id,
        }),
      ]);
    }
    expect((await findChannel(db(), merchant.id, channel.id))?.balanceAmount).toBe(300);
    expect((await listBalanceEntriesPage(db(), merchant.id, channel.id, { limit: 10 })).data).toHaveLength(1);
  });

  it("claims quota up to the limit and no further; releases and reclaims exactly once", async () => {
    const { merchant, channel, sku } = await reseller(db());
    await upsertPriceEntryStatement(db(), merchant.id, {
      channelId: channel.id,
      skuId: sku.id,
      priceAmount: 700,
      currency: "CNY",
      quota: 3,
      updatedAt: tick(),
    });
    const first = await makeOrder(db(), merchant.id, sku);
    const second = await makeOrder(db(), merchant.id, sku);
    const claim = (orderId: string, quantity: number) => {
      const [head, ...rest] = claimQuotaStatements(
        db(),
        merchant.id,
        orderId,
        [{ channelId: channel.id, skuId: sku.id, quantity }],
        tick(),
      );
      if (!head) throw new Error("no statements");
      return runAtomic(db(), [head, ...rest]);
    };
    await claim(first.order.id, 2);
    expect(isQuotaRefusal(await claim(second.order.id, 2).catch((e: unknown) => e))).toBe(true);
    expect(await quotaUsed(db(), merchant.id, channel.id, sku.id)).toBe(2);
    expect(await quotaHoldsOf(db(), second.order.id, "held")).toEqual([]);

    const held = await quotaHoldsOf(db(), first.order.id, "held");
    const release = () => {
      const [head, ...rest] = releaseQuotaStatements(db(), held, tick());
      if (!head) throw new Error("no statements");
      return runAtomic(db(), [head, ...rest]);
    };
    await Promise.all([release(), release(), release()]);
    expect(await quotaUsed(db(), merchant.id, channel.id, sku.id)).toBe(0);

    const released = await quotaHoldsOf(db(), first.order.id, "released");
    const reclaim = () => {
      const [head, ...rest] = reclaimQuotaStatements(db(), released, tick());
      if (!head) throw new Error("no statements");
      return runAtomic(db(), [head, ...rest]);
    };
    await reclaim();
    await reclaim();
    expect(await quotaUsed(db(), merchant.id, channel.id, sku.id)).toBe(2);
    expect(await quotaHoldsOf(db(), first.order.id, "held")).toHaveLength(1);
  });

  it("keeps the units counted when an entry's price or quota is edited, and refuses a quota below them", async () => {
    const { merchant, channel, sku } = await reseller(db());
    const entry = {
      channelId: channel.id,
      skuId: sku.id,
      priceAmount: 700,
      currency: "CNY" as const,
      quota: 5,
      updatedAt: tick(),
    };
    await upsertPriceEntryStatement(db(), merchant.id, entry);
    const order = await makeOrder(db(), merchant.id, sku);
    const [head, ...rest] = claimQuotaStatements(
      db(),
      merchant.id,
      order.order.id,
      [{ channelId: channel.id, skuId: sku.id, quantity: 4 }],
      tick(),
    );
    if (head) await runAtomic(db(), [head, ...rest]);
    await upsertPriceEntryStatement(db(), merchant.id, { ...entry, priceAmount: 650, quota: 4 });
    expect((await priceEntriesFor(db(), merchant.id, channel.id, [sku.id]))[0]).toMatchObject({
      priceAmount: 650,
      quota: 4,
      quotaUsed: 4,
    });
    const error = await upsertPriceEntryStatement(db(), merchant.id, { ...entry, quota: 3 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isQuotaRefusal(error)).toBe(true);
  });

  it("never shows one merchant's channel or price list to another", async () => {
    const { merchant, channel, sku } = await reseller(db());
    const other = await makeMerchant(db());
    await upsertPriceEntryStatement(db(), merchant.id, {
      channelId: channel.id,
      skuId: sku.id,
      priceAmount: 1,
      currency: "CNY",
      quota: null,
      updatedAt: tick(),
    });
    expect(await findChannel(db(), other.id, channel.id)).toBeNull();
    expect(await priceEntriesFor(db(), other.id, channel.id, [sku.id])).toEqual([]);
    expect(await listBalanceEntriesPage(db(), other.id, channel.id, { limit: 10 })).toEqual({
      data: [],
      nextCursor: null,
    });
  });
}
