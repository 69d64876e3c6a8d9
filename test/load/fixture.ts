// Builds what the scenarios need through the public API, as a merchant would: a merchant,
// products and stock, a partner, and voucher codes bought through orders and sandbox payments.

export class Api {
  constructor(readonly baseUrl: string) {}

  async call<T = any>(method: string, path: string, options: { token?: string; json?: unknown; csv?: string } = {}) {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.csv !== undefined) {
      headers["content-type"] = "text/csv";
      body = options.csv;
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T };
  }

  async expect<T = any>(status: number, method: string, path: string, options: Parameters<Api["call"]>[2] = {}) {
    const res = await this.call<T>(method, path, options);
    if (res.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`,
      );
    }
    return res.body;
  }
}

export interface Fixture {
  slug: string;
  adminKey: string;
  partnerKey: string;
  /** Single-use voucher codes, bought and delivered. */
  codes: string[];
  /** One code of a 10,000-use voucher (the contention scenario). */
  manyUseCode: string;
  /** A card-secret SKU with stock for the checkout scenario. */
  checkoutSkuId: string;
  /** An empty card-secret SKU for the 100,000-line import. */
  importSkuId: string;
  /** Card-secret SKUs on flash sale (open now, for an hour), by the number of shards of their sale. */
  flashSales: { shards: number; skuId: string; quota: number }[];
  products: number;
  setupMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index] as T);
      }
    }),
  );
  return results;
}

async function product(api: Api, adminKey: string, name: string, kind: "voucher" | "card_secret", uses = 1) {
  const created = await api.expect(201, "POST", "/v1/admin/products", {
    token: adminKey,
    json: {
      name,
      kind,
      instructions: `How to use ${name}`,
      skus: [{ name: "Standard", price: { amount: 1999, currency: "CNY" }, policy: { uses, validDays: null } }],
    },
  });
  return created.skus[0].id as string;
}

/** Buys `quantity` units of a SKU (at most 100 per order), pays in the sandbox and waits for the codes. */
export async function buy(api: Api, slug: string, skuId: string, quantity: number): Promise<string[]> {
  const order = await api.expect(201, "POST", `/v1/shops/${slug}/orders`, {
    json: { email: "setup@bench.test", items: [{ skuId, quantity }] },
  });
  const paid = await api.expect(200, "POST", `/v1/sandbox/payments/${order.payment.id}/complete`, {
    json: { outcome: "succeeded" },
  });
  if (paid.webhook.status !== 200) throw new Error(`the sandbox webhook answered ${paid.webhook.status}`);
  const until = Date.now() + 60_000;
  for (;;) {
    const view = await api.expect(200, "GET", `/v1/shops/${slug}/orders/${order.id}`, { token: order.accessToken });
    if (view.status === "fulfilled") return (view.deliveries as { code: string }[]).map((d) => d.code);
    if (view.status !== "paid" || Date.now() > until) throw new Error(`order ${order.id} is ${view.status}`);
    await sleep(50);
  }
}

/**
 * The same document with every count raised far beyond any load this bench makes (each to a
 * value the route accepts); windows stay as they are.
 */
function openLimits(defaults: { checkout: Record<string, unknown>; lookups: Record<string, number> }): unknown {
  const raise = (node: unknown, to: number): unknown =>
    typeof node === "number"
      ? to
      : Object.fromEntries(Object.entries(node as object).map(([name, value]) => [name, raise(value, to)]));
  const checkout = defaults.checkout;
  return {
    checkout: {
      ...checkout,
      attemptsPerMinute: raise(checkout.attemptsPerMinute, 10_000),
      purchases: raise(checkout.purchases, 100_000),
      unpaidOrders: raise(checkout.unpaidOrders, 1000),
      paymentFailures: { ...(raise(checkout.paymentFailures, 1000) as object), windowMinutes: 1, cooldownMinutes: 1 },
    },
    lookups: { ...(raise(defaults.lookups, 1_000_000) as object), windowMinutes: 10, lockoutMinutes: 15 },
  };
}

export async function buildFixture(
  api: Api,
  options: {
    operatorKey: string;
    codes: number;
    checkoutStock: number;
    fillerProducts: number;
    /** Units of each flash sale, and the shard counts to measure. */
    flashQuota: number;
    flashShards: number[];
    log: (line: string) => void;
  },
): Promise<Fixture> {
  const started = performance.now();
  const slug = `bench-${Date.now().toString(36)}`;
  const merchant = await api.expect(201, "POST", "/v1/operator/merchants", {
    token: options.operatorKey,
    json: {
      slug,
      name: "Bench merchant",
      ownerEmail: `${slug}@bench.test`,
      ownerPassword: "bench password 0123456789",
    },
  });
  const adminKey = merchant.adminApiKey as string;
  // The bench buys thousands of codes as one buyer and calls as one partner far beyond the
  // defaults (made for honest shoppers and chains): open every limit, so the gates run at their
  // full cost and refuse nothing. A commit measured with --at may predate the limits (404).
  const limits = await api.call("GET", "/v1/admin/risk/limits", { token: adminKey });
  if (limits.status === 200) {
    await api.expect(200, "PUT", "/v1/admin/risk/limits", { token: adminKey, json: openLimits(limits.body.defaults) });
  }
  // Orders of 100 codes on one card are what the scoring rightly holds for review: score none.
  const scoring = await api.call("GET", "/v1/admin/risk/settings", { token: adminKey });
  if (scoring.status === 200) {
    const settings = { ...scoring.body.settings, scoreFrom: 1_000_000_000 };
    await api.expect(200, "PUT", "/v1/admin/risk/settings", { token: adminKey, json: settings });
  }
  const partner = await api.expect(201, "POST", "/v1/admin/partners", {
    token: adminKey,
    json: { name: "Bench partner" },
  });

  // A shop front of a realistic size: the catalog page lists twenty products.
  for (let i = 0; i < options.fillerProducts; i++) await product(api, adminKey, `Gift card ${i + 1}`, "voucher");
  const singleUse = await product(api, adminKey, "Coffee voucher", "voucher");
  const manyUse = await product(api, adminKey, "Car wash card", "voucher", 10_000);
  const checkoutSkuId = await product(api, adminKey, "Game card", "card_secret");
  const importSkuId = await product(api, adminKey, "Phone top-up card", "card_secret");

  const items = Array.from({ length: options.checkoutStock }, (_, i) => ({
    code: `GAME-${slug}-${i}`,
    secret: `PIN${i}`,
  }));
  const stocked = await api.expect(200, "POST", `/v1/admin/skus/${checkoutSkuId}/stock`, {
    token: adminKey,
    json: { items },
  });
  if (stocked.imported !== options.checkoutStock) throw new Error(`stocked ${JSON.stringify(stocked)}`);

  options.log(`buying ${options.codes} single-use codes in orders of 100…`);
  const orders = Array.from({ length: Math.ceil(options.codes / 100) }, (_, i) =>
    Math.min(100, options.codes - i * 100),
  );
  const codes = (await pool(orders, 4, (quantity) => buy(api, slug, singleUse, quantity))).flat();
  const [manyUseCode] = await buy(api, slug, manyUse, 1);
  if (!manyUseCode) throw new Error("no many-use code delivered");

  if (options.flashShards.length > 0) {
    options.log(`stocking ${options.flashShards.length} flash sales of ${options.flashQuota} card secrets…`);
  }
  const flashSales: Fixture["flashSales"] = [];
  for (const shards of options.flashShards) {
    const skuId = await product(api, adminKey, `Flash sale card, ${shards} shards`, "card_secret");
    const csv = `code,secret\n${Array.from({ length: options.flashQuota }, (_, i) => `FLASH${shards}-${slug}-${i},P${i}`).join("\n")}\n`;
    const imported = await api.expect(200, "POST", `/v1/admin/skus/${skuId}/stock`, { token: adminKey, csv });
    if (imported.imported !== options.flashQuota) throw new Error(`flash stock ${JSON.stringify(imported)}`);
    await api.expect(201, "POST", "/v1/admin/flash-sales", {
      token: adminKey,
      json: {
        skuId,
        price: { amount: 99, currency: "CNY" },
        quota: options.flashQuota,
        perCustomerLimit: 1,
        shards,
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    flashSales.push({ shards, skuId, quota: options.flashQuota });
  }

  return {
    slug,
    adminKey,
    partnerKey: partner.apiKey,
    codes,
    manyUseCode,
    checkoutSkuId,
    importSkuId,
    flashSales,
    products: options.fillerProducts + 4 + flashSales.length,
    setupMs: performance.now() - started,
  };
}
