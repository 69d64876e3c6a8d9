// The whole closed loop over real HTTP against `wrangler dev`: an operator onboards a merchant,
// the merchant stocks a shop, a consumer buys and pays, gets the codes at once, and a partner
// verifies, redeems and reverses. Each step's name prefixes its failure.
import { randomUUID } from "node:crypto";
import { generateVoucherCode } from "@tessera/domain";
import { describe, expect, inject, test } from "vitest";
import { expectProblem, expectStatus, get, type Problem, pollUntil, post } from "./api";

interface Money {
  amount: number;
  currency: string;
}
interface CreatedMerchant {
  id: string;
  slug: string;
  adminApiKey: string;
}
interface Product {
  id: string;
  name: string;
  kind: string;
  skus: { id: string; name: string; price: Money; policy: unknown }[];
}
interface CatalogProduct {
  id: string;
  name: string;
  kind: string;
  instructions: string;
  skus: { id: string; name: string; price: Money; available: number | null }[];
}
interface Order {
  id: string;
  status: string;
  total: Money;
  accessToken: string;
  expiresAt: string;
  payment: { id: string; provider: string; checkoutUrl: string };
}
interface OrderView {
  id: string;
  status: string;
  deliveries: { skuId: string; code: string; secret?: string; instructions: string }[];
}
interface Redemption {
  id: string;
  code: { status: string; remainingUses: number };
}
interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

const CODE_FORMAT = /^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/;
const DAY_MS = 86_400_000;
const CARD_SECRETS: Record<string, string> = { "CARD-0001": "pw1", "CARD-0002": "pw2" };
const cny = (amount: number): Money => ({ amount, currency: "CNY" });

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Error) error.message = `${name}: ${error.message}`;
    throw error;
  }
}

describe("the closed loop", () => {
  test("a merchant sells, a consumer receives codes at once, a partner redeems a voucher exactly as often as it allows", async () => {
    const slug = `scn-${randomUUID().slice(0, 8)}`;

    const merchant = await step("operator creates a merchant", async () => {
      const reply = await post<CreatedMerchant>("/v1/operator/merchants", {
        token: inject("operatorApiKey"),
        json: { slug, name: "Scenario Shop", ownerEmail: `owner-${slug}@example.com`, ownerPassword: randomUUID() },
      });
      expectStatus(reply, 201);
      expect(reply.body).toMatchObject({
        id: expect.stringMatching(/^mer_/),
        slug,
        adminApiKey: expect.stringMatching(/^tess_admin_[A-Za-z0-9_-]{43}$/),
      });
      return reply.body;
    });
    const admin = merchant.adminApiKey;

    const card = await step("merchant creates a card-secret product", async () => {
      const reply = await post<Product>("/v1/admin/products", {
        token: admin,
        json: {
          name: "Game card 100",
          kind: "card_secret",
          instructions: "Open the game, choose Top up, enter the card number and password.",
          skus: [{ name: "100 points", price: cny(1999) }],
        },
      });
      expectStatus(reply, 201);
      expect(reply.body).toMatchObject({
        id: expect.stringMatching(/^prd_/),
        name: "Game card 100",
        kind: "card_secret",
      });
      expect(reply.body.skus).toHaveLength(1);
      expect(reply.body.skus[0]).toMatchObject({
        id: expect.stringMatching(/^sku_/),
        name: "100 points",
        price: cny(1999),
      });
      expect(reply.body.skus[0]).toHaveProperty("policy");
      return reply.body;
    });
    const cardSku = card.skus[0]?.id ?? "";

    const voucher = await step("merchant creates a two-use voucher product", async () => {
      const reply = await post<Product>("/v1/admin/products", {
        token: admin,
        json: {
          name: "Two coffees",
          kind: "voucher",
          instructions: "Show the code at the counter; each coffee uses it once.",
          skus: [{ name: "2 cups", price: cny(3000), policy: { uses: 2, validDays: 30 } }],
        },
      });
      expectStatus(reply, 201);
      expect(reply.body).toMatchObject({ kind: "voucher", name: "Two coffees" });
      expect(reply.body.skus[0]).toMatchObject({ price: cny(3000), policy: { uses: 2, validDays: 30 } });
      return reply.body;
    });
    const voucherSku = voucher.skus[0]?.id ?? "";

    await step("merchant imports card stock, skipping a duplicate", async () => {
      const reply = await post(`/v1/admin/skus/${cardSku}/stock`, {
        token: admin,
        csv: "code,secret\nCARD-0001,pw1\nCARD-0002,pw2\nCARD-0002,pw2\n",
      });
      expectStatus(reply, 200);
      expect(reply.body).toMatchObject({ imported: 2, duplicates: 1, rejected: 0 });
    });

    const partner = await step("merchant creates a partner", async () => {
      const reply = await post<{ id: string; name: string; apiKey: string }>("/v1/admin/partners", {
        token: admin,
        json: { name: "Corner Café" },
      });
      expectStatus(reply, 201);
      expect(reply.body).toMatchObject({
        id: expect.any(String),
        name: "Corner Café",
        apiKey: expect.stringMatching(/^tess_partner_[A-Za-z0-9_-]{43}$/),
      });
      return reply.body;
    });

    await step("consumer reads the catalog with availability", async () => {
      const reply = await get<{ data: CatalogProduct[] }>(`/v1/shops/${slug}/products`);
      expectStatus(reply, 200);
      expect(reply.body.data).toHaveLength(2);
      const byId = new Map(reply.body.data.map((product) => [product.id, product]));
      expect(byId.get(card.id)).toMatchObject({
        name: card.name,
        kind: "card_secret",
        instructions: expect.stringContaining("Top up"),
        skus: [{ id: cardSku, name: "100 points", price: cny(1999), available: 2 }],
      });
      // Vouchers are minted on delivery: unlimited.
      expect(byId.get(voucher.id)?.skus).toEqual([
        expect.objectContaining({ id: voucherSku, price: cny(3000), available: null }),
      ]);
    });

    const order = await step("consumer places an order, idempotently", async () => {
      const key = randomUUID();
      const json = {
        email: `buyer-${slug}@example.com`,
        items: [
          { skuId: cardSku, quantity: 1 },
          { skuId: voucherSku, quantity: 1 },
        ],
      };
      const reply = await post<Order>(`/v1/shops/${slug}/orders`, { idempotencyKey: key, json });
      expectStatus(reply, 201);
      expect(reply.body).toMatchObject({
        id: expect.stringMatching(/^ord_/),
        status: "awaiting_payment",
        total: cny(1999 + 3000),
        accessToken: expect.any(String),
        payment: { id: expect.stringMatching(/^pay_/), provider: "sandbox", checkoutUrl: expect.any(String) },
      });
      expect(Date.parse(reply.body.expiresAt)).toBeGreaterThan(Date.now());

      const replay = await post<Order>(`/v1/shops/${slug}/orders`, { idempotencyKey: key, json });
      expectStatus(replay, 201);
      expect(replay.body.id).toBe(reply.body.id);

      const reused = await post<Problem>(`/v1/shops/${slug}/orders`, {
        idempotencyKey: key,
        json: { ...json, items: [{ skuId: cardSku, quantity: 1 }] },
      });
      expectProblem(reused, 422);
      return reply.body;
    });

    const paidAt = await step("consumer pays in the sandbox", async () => {
      const reply = await post(`/v1/sandbox/payments/${order.payment.id}/complete`, { json: { outcome: "succeeded" } });
      expectStatus(reply, 200);
      return performance.now();
    });

    const code = await step("consumer sees the codes within a second of paying", async () => {
      const { value, at } = await pollUntil(
        () => get<OrderView>(`/v1/shops/${slug}/orders/${order.id}`, { token: order.accessToken }),
        (reply) => reply.status === 200 && reply.body.status === "fulfilled",
      );
      expect(at - paidAt, "ms from payment to fulfilled").toBeLessThan(1_000);
      const deliveries = value.body.deliveries;
      expect(deliveries).toHaveLength(2);
      const cardDelivery = deliveries.find((delivery) => delivery.skuId === cardSku);
      expect(Object.keys(CARD_SECRETS)).toContain(cardDelivery?.code);
      expect(cardDelivery?.secret).toBe(CARD_SECRETS[cardDelivery?.code ?? ""]);
      expect(cardDelivery?.instructions).toContain("Top up");
      const voucherDelivery = deliveries.find((delivery) => delivery.skuId === voucherSku);
      expect(voucherDelivery?.code).toMatch(CODE_FORMAT);
      expect(voucherDelivery?.instructions).toContain("counter");
      return voucherDelivery?.code ?? "";
    });
    const partnerKey = partner.apiKey;

    await step("partner verifies the voucher", async () => {
      const reply = await post<{ expiresAt: string }>("/v1/partner/verifications", {
        token: partnerKey,
        json: { code },
      });
      expectStatus(reply, 200);
      expect(reply.body).toMatchObject({ valid: true, status: "active", remainingUses: 2, productName: "Two coffees" });
      const expiresAt = Date.parse(reply.body.expiresAt);
      expect(expiresAt).toBeGreaterThan(Date.now() + 29 * DAY_MS);
      expect(expiresAt).toBeLessThan(Date.now() + 31 * DAY_MS);
    });

    // Partners type codes as they read them; the API normalizes case and separators.
    const typed = code.toLowerCase().replaceAll("-", " ");
    const redeem = (key = randomUUID()) =>
      post<Redemption>("/v1/partner/redemptions", { token: partnerKey, idempotencyKey: key, json: { code: typed } });

    const first = await step("partner redeems once; a retry of that call redeems nothing more", async () => {
      const key = randomUUID();
      const reply = await redeem(key);
      expectStatus(reply, 201);
      expect(reply.body).toMatchObject({
        id: expect.stringMatching(/^red_/),
        code: { status: "active", remainingUses: 1 },
      });
      const retry = await redeem(key);
      expectStatus(retry, 201);
      expect(retry.body).toMatchObject({ id: reply.body.id, code: { remainingUses: 1 } });
      return reply.body;
    });

    const second = await step("partner redeems the last use", async () => {
      const reply = await redeem();
      expectStatus(reply, 201);
      expect(reply.body.code).toMatchObject({ status: "redeemed", remainingUses: 0 });
      return reply.body;
    });

    await step("a third redemption is refused", async () => {
      expectProblem(await redeem(), 409, "code_already_redeemed");
    });

    await step("partner reverses a redemption once", async () => {
      const path = `/v1/partner/redemptions/${first.id}/reversal`;
      expectStatus(await post(path, { token: partnerKey, idempotencyKey: randomUUID() }), 200);
      expectProblem(await post(path, { token: partnerKey, idempotencyKey: randomUUID() }), 409, "already_reversed");
    });

    await step("an unknown code is not found", async () => {
      // Well formed, check symbol included, never issued: the answer is about existence, not format.
      const json = { code: generateVoucherCode() };
      expectProblem(await post("/v1/partner/verifications", { token: partnerKey, json }), 404, "code_not_found");
      expectProblem(
        await post("/v1/partner/redemptions", { token: partnerKey, idempotencyKey: randomUUID(), json }),
        404,
        "code_not_found",
      );
    });

    await step("merchant sees the order", async () => {
      const reply = await get<Page<{ id: string; status: string }>>("/v1/admin/orders", { token: admin });
      expectStatus(reply, 200);
      expect(reply.body).toHaveProperty("nextCursor");
      expect(reply.body.data).toContainEqual(expect.objectContaining({ id: order.id, status: "fulfilled" }));
    });

    await step("merchant sees the redemptions once the read model catches up", async () => {
      const { value } = await pollUntil(
        () => get<Page<{ id: string }>>("/v1/admin/redemptions", { token: admin }),
        (reply) =>
          reply.status === 200 && [first.id, second.id].every((id) => reply.body.data.some((r) => r.id === id)),
        { intervalMs: 100 },
      );
      expect(value.body).toHaveProperty("nextCursor");
    });
  });

  test("a request without credentials is refused with problem+json", async () => {
    expectProblem(await post("/v1/admin/products", { json: { name: "x" } }), 401);
  });
});
