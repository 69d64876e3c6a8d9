import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { TEST_BINDINGS } from "../worker-bindings";
import {
  call,
  createMerchant,
  createPartner,
  eventually,
  getOrder,
  pay,
  paymentEventBody,
  placeOrder,
  postWebhook,
  signIn,
  signWebhook,
  type TestMerchant,
  unique,
} from "./factories";

/**
 * Walks the whole loop while every console method is captured, then checks that no line
 * carries a code, secret, key, token or password the test used, and that each request left
 * one JSON line with its request id. Workers tests share one isolate with the Worker, its
 * Durable Objects and its queue consumers, so their lines are captured too.
 */
const lines: string[] = [];
const spies: MockInstance[] = [];
const secrets = new Map<string, string>();
const remember = (what: string, value: string) => secrets.set(value, what);

const CARD_CODES = ["LOGCARD-7F3K-9QXD", "LOGCARD-2M8W-4TPA"];
const CARD_SECRETS = ["PIN-93815720-SECRET", "PIN-48120593-SECRET"];

describe("logging through the whole loop", () => {
  let merchant: TestMerchant;
  let requests = 0;
  const counted = async <T>(n: number, work: Promise<T>) => {
    requests += n;
    return work;
  };

  beforeAll(async () => {
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      spies.push(
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => lines.push(args.map(String).join(" "))),
      );
    }

    remember("operator key", env.OPERATOR_API_KEY);
    remember("webhook secret", env.SANDBOX_WEBHOOK_SECRET);
    remember("code HMAC key", TEST_BINDINGS.CODE_HMAC_KEY);
    for (const key of Object.values(JSON.parse(TEST_BINDINGS.ENCRYPTION_KEYS) as Record<string, string>))
      remember("encryption key", key);

    merchant = await counted(1, createMerchant());
    remember("admin key", merchant.adminKey);
    remember("staff password", merchant.ownerPassword);

    const wrongPassword = "wrong-horse-battery-staple-42";
    remember("wrong password", wrongPassword);
    await counted(
      1,
      call("POST", "/v1/admin/sessions", { json: { email: merchant.ownerEmail, password: wrongPassword } }),
    );
    const session = await counted(1, signIn(merchant));
    remember("session token", session.cookie.split("=")[1] ?? "");
    remember("CSRF token", session.csrfToken);
    const staff = { cookie: session.cookie, "x-csrf-token": session.csrfToken };

    const card = await counted(
      1,
      call("POST", "/v1/admin/products", {
        headers: staff,
        json: {
          name: "Log card",
          kind: "card_secret",
          skus: [{ name: "One", price: { amount: 500, currency: "CNY" } }],
        },
      }),
    );
    const voucher = await counted(
      1,
      call("POST", "/v1/admin/products", {
        headers: staff,
        json: {
          name: "Log voucher",
          kind: "voucher",
          skus: [{ name: "Two uses", price: { amount: 900, currency: "CNY" }, policy: { uses: 2, validDays: 30 } }],
        },
      }),
    );
    const cardSku = card.body.skus[0].id as string;
    const voucherSku = voucher.body.skus[0].id as string;
    CARD_CODES.forEach((code, i) => {
      remember("card code", code);
      remember("card secret", CARD_SECRETS[i] ?? "");
    });
    const csv = `code,secret\n${CARD_CODES.map((code, i) => `"${code}",${CARD_SECRETS[i]}`).join("\n")}\n`;
    const imported = await counted(
      1,
      call("POST", `/v1/admin/skus/${cardSku}/stock`, {
        token: merchant.adminKey,
        body: csv,
        headers: { "content-type": "text/csv" },
      }),
    );
    expect(imported.body.imported).toBe(2);

    const partner = await counted(1, createPartner(merchant));
    remember("partner key", partner.apiKey);

    const order = await counted(
      1,
      placeOrder(merchant, [
        { skuId: cardSku, quantity: 1 },
        { skuId: voucherSku, quantity: 1 },
      ]),
    );
    remember("order access token", order.body.accessToken);
    // The sandbox posts its signed webhook to the Worker: two requests.
    await counted(2, pay(order.body.payment.id));
    const delivered = await eventually(
      () => counted(1, getOrder(merchant, order.body.id, order.body.accessToken)),
      (res) => res.body?.status === "fulfilled",
    );
    expect(delivered.body.deliveries).toHaveLength(2);
    const voucherCode = delivered.body.deliveries.find((d: { skuId: string }) => d.skuId === voucherSku).code as string;
    remember("voucher code", voucherCode);
    remember("voucher code, normalized", voucherCode.replaceAll("-", ""));
    const typed = voucherCode.toLowerCase().replaceAll("-", " ");
    remember("voucher code, as typed", typed);

    // A tampered webhook: refused and logged as a warning.
    const tampered = paymentEventBody("payment.succeeded", { id: order.body.payment.id, amount: 1400 });
    await counted(1, postWebhook(tampered.replace("1400", "1"), await signWebhook(tampered)));

    await counted(1, call("POST", "/v1/partner/verifications", { token: partner.apiKey, json: { code: voucherCode } }));
    const guessed = "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ";
    remember("guessed code", guessed);
    await counted(1, call("POST", "/v1/partner/verifications", { token: partner.apiKey, json: { code: guessed } }));
    const redeemed = await counted(
      1,
      call("POST", "/v1/partner/redemptions", {
        token: partner.apiKey,
        json: { code: typed, location: "till-1" },
        headers: { "idempotency-key": unique("idem") },
      }),
    );
    expect(redeemed.status).toBe(201);
    await counted(1, call("POST", `/v1/partner/redemptions/${redeemed.body.id}/reversal`, { token: partner.apiKey }));
    await counted(1, call("POST", "/v1/partner/redemptions", { token: partner.apiKey, json: { code: voucherCode } }));
    // Wait for the events consumer to write the read model, so its lines are captured too.
    await eventually(
      () => counted(1, call("GET", "/v1/admin/redemptions", { token: merchant.adminKey })),
      (res) => res.body?.data?.length === 2,
      15_000,
    );
    await counted(1, call("DELETE", "/v1/admin/sessions/current", { headers: staff }));
  });

  afterAll(() => {
    for (const spy of spies) spy.mockRestore();
  });

  it("captured the Worker's lines, including the Durable Objects', the queue consumers' and the sandbox webhook's", () => {
    expect(lines.length).toBeGreaterThanOrEqual(requests);
    const messages = lines.map((line) => JSON.parse(line).msg);
    expect(messages).toContain("order fulfilled");
    expect(messages).toContain("webhook refused");
    const paths = lines.map((line) => JSON.parse(line).path);
    expect(paths).toContain("/v1/webhooks/payments/sandbox");
  });

  it("writes no code, secret, key, token or password into any log line", () => {
    expect(secrets.size).toBeGreaterThanOrEqual(18);
    // Short values could match by chance and prove nothing; every value here is long.
    for (const [value, what] of secrets) expect(value.length, what).toBeGreaterThanOrEqual(12);
    const leaks: string[] = [];
    for (const line of lines) {
      const lower = line.toLowerCase();
      for (const [value, what] of secrets) if (lower.includes(value.toLowerCase())) leaks.push(`${what} in ${line}`);
    }
    expect(leaks).toEqual([]);
  });

  it("writes each line as one JSON object with a level, a message and a time", () => {
    for (const line of lines) {
      const entry = JSON.parse(line);
      expect(entry, line).toMatchObject({
        level: expect.stringMatching(/^(info|warn|error)$/),
        msg: expect.any(String),
        at: expect.any(String),
      });
    }
  });

  it("writes one request line per request, carrying its request id, route, status and duration", () => {
    const requestLines = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === "request");
    expect(requestLines.length).toBeGreaterThanOrEqual(requests);
    for (const entry of requestLines) {
      expect(entry).toMatchObject({
        level: "info",
        requestId: expect.stringMatching(/^req_[0-9A-Z]{26}$/),
        method: expect.stringMatching(/^(GET|POST|DELETE)$/),
        path: expect.stringMatching(/^\//),
        status: expect.any(Number),
        ms: expect.any(Number),
      });
    }
    expect(new Set(requestLines.map((entry) => entry.requestId)).size).toBe(requestLines.length);
    // The route pattern is logged, never the concrete path with its ids.
    expect(requestLines.map((entry) => entry.path)).toContain("/v1/shops/:shop/orders/:orderId");
  });

  it("tags every line written while serving a request with that request's id", () => {
    const requestIds = new Set(
      lines
        .map((line) => JSON.parse(line))
        .filter((e) => e.msg === "request")
        .map((e) => e.requestId),
    );
    const refused = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "webhook refused");
    expect(refused?.requestId).toBeDefined();
    expect(requestIds.has(refused.requestId)).toBe(true);
  });
});
