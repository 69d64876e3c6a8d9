import { DEFAULT_RISK_LIMITS } from "@tessera/domain";
import { SANDBOX_TEST_CARDS } from "@tessera/payments";
import { describe, expect, it } from "vitest";
import {
  type ApiResponse,
  call,
  createMerchant,
  createProduct,
  setRiskLimits,
  stock,
  stockOf,
  type TestMerchant,
  tally,
} from "./factories";
import { callWithEnv } from "./routes/kit";

type Checkout = typeof DEFAULT_RISK_LIMITS.checkout;
const withCheckout = (checkout: Partial<Checkout>) => ({
  ...DEFAULT_RISK_LIMITS,
  checkout: { ...DEFAULT_RISK_LIMITS.checkout, ...checkout },
});

function order(
  merchant: TestMerchant,
  skuId: string,
  buyer: { email: string; ip?: string; device?: string },
  quantity = 1,
): Promise<ApiResponse> {
  return call("POST", `/v1/shops/${merchant.slug}/orders`, {
    json: { email: buyer.email, items: [{ skuId, quantity }] },
    headers: {
      ...(buyer.ip ? { "cf-connecting-ip": buyer.ip } : {}),
      ...(buyer.device ? { "x-device-id": buyer.device } : {}),
    },
  });
}

const pay = (paymentId: string, outcome: "succeeded" | "failed", card: string = SANDBOX_TEST_CARDS.approves) =>
  call("POST", `/v1/sandbox/payments/${paymentId}/complete`, { json: { outcome, card } });

const device = (n: number) => `dev_${String(n).padStart(20, "0")}`;

describe("attack: hoarding stock with unpaid orders", () => {
  it("a bot opening 500 unpaid orders at once from one IP holds exactly the cap of 5 units; paying or failing frees a slot", async () => {
    const merchant = await createMerchant({ riskLimits: "defaults" });
    const { skuId } = await createProduct(merchant, "card_secret");
    await stock(merchant, skuId, 100);
    await setRiskLimits(
      merchant,
      withCheckout({
        // The attempt rate is not what this test is about: high enough for the whole storm.
        attemptsPerMinute: { perCustomer: 10_000, perIp: 10_000, perDevice: 10_000 },
        unpaidOrders: { perCustomer: 3, perIp: 5, perDevice: 3 },
      }),
    );
    const ip = "198.51.100.23";
    // A fresh email and device id for every order: only the IP ties the bot's orders together.
    const answers = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        order(merchant, skuId, { email: `bot${i}@example.test`, ip, device: device(i) }),
      ),
    );
    expect(tally(answers)).toEqual({ "201": 5, "429 order_limit_reached": 495 });
    expect(await stockOf(merchant, skuId)).toMatchObject({ available: 95, reserved: 5 });
    const refused = answers.find((res) => res.status === 429) as ApiResponse;
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(800);
    expect(wait).toBeLessThanOrEqual(900);

    const placed = answers.filter((res) => res.status === 201);
    expect((await pay(placed[0]?.body.payment.id, "succeeded")).status).toBe(200);
    const afterPaid = await order(merchant, skuId, { email: "bot-next@example.test", ip, device: device(900) });
    expect(afterPaid.status).toBe(201);
    expect((await pay(placed[1]?.body.payment.id, "failed")).status).toBe(200);
    const afterFailed = await order(merchant, skuId, { email: "bot-next2@example.test", ip, device: device(901) });
    expect(afterFailed.status).toBe(201);
    const full = await order(merchant, skuId, { email: "bot-next3@example.test", ip, device: device(902) });
    expect(full.body.code).toBe("order_limit_reached");
  }, 120_000);

  it("one buyer email is capped on its own, across IPs and devices", async () => {
    const merchant = await createMerchant({ riskLimits: "defaults" });
    const { skuId } = await createProduct(merchant, "voucher");
    await setRiskLimits(merchant, withCheckout({ unpaidOrders: { perCustomer: 2, perIp: 50, perDevice: 5 } }));
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        order(merchant, skuId, { email: "hoarder@example.test", ip: `203.0.113.${i}`, device: device(i) }),
      ),
    );
    expect(tally(answers)).toEqual({ "201": 2, "429 order_limit_reached": 28 });
  });
});

describe("attack: a scalper script on a limited SKU", () => {
  it("buying from one device with 200 emails gets exactly the per-device limit", async () => {
    const merchant = await createMerchant({ riskLimits: "defaults" });
    const limited = await createProduct(merchant, "card_secret");
    const other = await createProduct(merchant, "card_secret");
    await stock(merchant, limited.skuId, 50);
    await stock(merchant, other.skuId, 10);
    await setRiskLimits(
      merchant,
      withCheckout({
        attemptsPerMinute: { perCustomer: 10_000, perIp: 10_000, perDevice: 10_000 },
        skuPurchases: { [limited.skuId]: { perCustomer: 1, perIp: 100, perDevice: 2 } },
      }),
    );
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        order(merchant, limited.skuId, { email: `scalper${i}@example.test`, ip: `192.0.2.${i}`, device: device(7) }),
      ),
    );
    expect(tally(answers)).toEqual({ "201": 2, "429 purchase_limit_reached": 198 });
    expect(await stockOf(merchant, limited.skuId)).toMatchObject({ available: 48, reserved: 2 });
    // One buyer asking more than the limit in one order is refused with no Retry-After: waiting does not help.
    const greedy = await order(merchant, limited.skuId, { email: "greedy@example.test", device: device(8) }, 3);
    expect(greedy.body.code).toBe("purchase_limit_reached");
    expect(greedy.headers.get("retry-after")).toBeNull();
    // Other SKUs stay under the merchant's (generous) default, even for the scalper's device.
    expect((await order(merchant, other.skuId, { email: "scalper0@example.test", device: device(7) })).status).toBe(
      201,
    );
  }, 120_000);
});

describe("attack: card testing", () => {
  it("after 3 failed payments a buyer cools down (429 payment_cooldown with Retry-After); another buyer does not", async () => {
    const merchant = await createMerchant({ riskLimits: "defaults" });
    const { skuId } = await createProduct(merchant, "voucher");
    await setRiskLimits(
      merchant,
      withCheckout({
        paymentFailures: {
          perCustomer: 3,
          perIp: 30,
          perDevice: 3,
          perCard: 10,
          windowMinutes: 60,
          cooldownMinutes: 30,
        },
      }),
    );
    const tester = { email: "tester@example.test", ip: "198.51.100.77", device: device(77) };
    // Each attempt with another card number: the email, IP and device tie them together.
    const cards = [SANDBOX_TEST_CARDS.approves, SANDBOX_TEST_CARDS.chinaIssued, SANDBOX_TEST_CARDS.japanIssued];
    for (const card of cards) {
      const placed = await order(merchant, skuId, tester);
      expect(placed.status).toBe(201);
      expect((await pay(placed.body.payment.id, "failed", card)).status).toBe(200);
    }
    const cooled = await order(merchant, skuId, tester);
    expect(cooled.status).toBe(429);
    expect(cooled.body.code).toBe("payment_cooldown");
    const wait = Number(cooled.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(29 * 60);
    expect(wait).toBeLessThanOrEqual(30 * 60);
    expect((await order(merchant, skuId, { email: "honest@example.test", ip: "203.0.113.1" })).status).toBe(201);
  });

  it("one card declined for many buyers cools the card down: the buyer who trips it is cooled too", async () => {
    const merchant = await createMerchant({ riskLimits: "defaults" });
    const { skuId } = await createProduct(merchant, "voucher");
    await setRiskLimits(
      merchant,
      withCheckout({
        paymentFailures: {
          perCustomer: 5,
          perIp: 30,
          perDevice: 5,
          perCard: 3,
          windowMinutes: 60,
          cooldownMinutes: 30,
        },
      }),
    );
    const buyers = Array.from({ length: 3 }, (_, i) => ({
      email: `mule${i}@example.test`,
      ip: `192.0.2.${100 + i}`,
      device: device(100 + i),
    }));
    for (const buyer of buyers) {
      const placed = await order(merchant, skuId, buyer);
      expect((await pay(placed.body.payment.id, "succeeded", SANDBOX_TEST_CARDS.declines)).body.outcome).toBe("failed");
    }
    // One failure each does not cool mule0 or mule1; the card's third failure cooled mule2.
    expect((await order(merchant, skuId, buyers[0] as (typeof buyers)[0])).status).toBe(201);
    expect((await order(merchant, skuId, buyers[2] as (typeof buyers)[0])).body.code).toBe("payment_cooldown");
  });
});

describe("an honest buyer's checkout", () => {
  it("never waits on the risk queue: with a queue that never answers, the order is placed, paid and delivered", async () => {
    const merchant = await createMerchant({ riskLimits: "defaults" });
    const { skuId } = await createProduct(merchant, "voucher");
    const stuck: Queue = {
      send: () => new Promise(() => {}),
      sendBatch: () => new Promise(() => {}),
      metrics: () => new Promise(() => {}),
    } as unknown as Queue;
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("checkout waited")), 5_000));
    const placed = await Promise.race([
      callWithEnv({ RISK: stuck }, "POST", `/v1/shops/${merchant.slug}/orders`, {
        json: { email: "honest@example.test", items: [{ skuId, quantity: 1 }] },
      }),
      timeout,
    ]);
    expect(placed.status).toBe(201);
    expect((await pay(placed.body.payment.id, "succeeded")).body.outcome).toBe("succeeded");
  });

  it("is admitted under the default limits: 20 orders of 10 units in a row from one email, IP and device", async () => {
    const merchant = await createMerchant({ riskLimits: "defaults" });
    const { skuId } = await createProduct(merchant, "voucher");
    const buyer = { email: "regular@example.test", ip: "203.0.113.50", device: device(50) };
    const answers: ApiResponse[] = [];
    for (let i = 0; i < 20; i++) {
      const placed = await order(merchant, skuId, buyer, 10);
      answers.push(placed);
      // A regular pays what it orders (the default cap of unpaid orders is 5).
      if (placed.status === 201) await pay(placed.body.payment.id, "succeeded");
    }
    expect(tally(answers)).toEqual({ "201": 20 });
  }, 60_000);
});
