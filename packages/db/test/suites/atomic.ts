import { newId } from "@tessera/domain";
import { expect, it } from "vitest";
import {
  type Db,
  findMerchantBySlug,
  findOrder,
  insertMerchant,
  insertOrder,
  recordWebhookEvent,
  runAtomic,
  schema,
  webhookEventStatement,
} from "../../src";
import { makeMerchant, makeOrder, makeProduct, newOrder, tick } from "../factories";

function merchantRow(slug: string) {
  return { id: newId("merchant", tick()), slug, name: "Shop", createdAt: tick() };
}

export function atomicTests(db: () => Db): void {
  it("applies nothing when a later statement violates a unique key", async () => {
    const taken = await makeMerchant(db());
    const fresh = merchantRow(`fresh-${newId("merchant").toLowerCase()}`);
    await expect(
      runAtomic(db(), [
        db().insert(schema.merchants).values(fresh),
        db().insert(schema.merchants).values(merchantRow(taken.slug)),
      ]),
    ).rejects.toThrow();
    expect(await findMerchantBySlug(db(), fresh.slug)).toBeNull();
  });

  it("writes no merchant when its owner's email is taken", async () => {
    const taken = await makeMerchant(db());
    const fresh = merchantRow(`owner-${newId("merchant").toLowerCase()}`);
    const owner = {
      id: newId("staff"),
      email: `${taken.slug}@example.test`,
      name: "Owner",
      role: "owner" as const,
      passwordHash: "x",
      createdAt: 1,
    };
    await expect(insertMerchant(db(), fresh, owner)).rejects.toThrow();
    expect(await findMerchantBySlug(db(), fresh.slug)).toBeNull();
  });

  it("leaves no order or items behind when its payment cannot be written", async () => {
    const merchant = await makeMerchant(db());
    const sku = (await makeProduct(db(), merchant.id)).skus[0];
    if (!sku) throw new Error("no SKU");
    const existing = await makeOrder(db(), merchant.id, sku);
    const clash = newOrder(sku);
    clash.payment.id = existing.payment.id;
    await expect(insertOrder(db(), merchant.id, clash)).rejects.toThrow();
    expect(await findOrder(db(), merchant.id, clash.order.id)).toBeNull();
  });

  it("does not burn a webhook event id in a batch that failed", async () => {
    const taken = await makeMerchant(db());
    const seen = { provider: "sandbox", eventId: newId("event"), type: "payment.succeeded", receivedAt: tick() };
    await expect(
      runAtomic(db(), [
        webhookEventStatement(db(), seen),
        db().insert(schema.merchants).values(merchantRow(taken.slug)),
      ]),
    ).rejects.toThrow();
    expect(await recordWebhookEvent(db(), seen)).toBe(true);
  });
}
