import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type ApiResponse,
  call,
  createMerchant,
  createPartner,
  d1Rows,
  deliveredForm,
  eventually,
  type TestMerchant,
  tally,
  verify,
} from "./factories";

/**
 * Each product form's rules hold under concurrency: every burst below is real requests through
 * the Worker, all in flight at once, against one code, and the outcome is counted exactly.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const spend = (partner: { apiKey: string }, code: string, amount: number, idempotencyKey?: string) =>
  call("POST", "/v1/partner/redemptions", {
    token: partner.apiKey,
    json: { code, amount },
    headers: idempotencyKey ? { "idempotency-key": idempotencyKey } : {},
  });
const redeemUse = (partner: { apiKey: string }, code: string) =>
  call("POST", "/v1/partner/redemptions", { token: partner.apiKey, json: { code } });
const activate = (partner: { apiKey: string }, code: string, deviceId: string) =>
  call("POST", "/v1/partner/activations", { token: partner.apiKey, json: { code, deviceId } });
const deactivate = (partner: { apiKey: string }, code: string, deviceId: string) =>
  call("POST", "/v1/partner/deactivations", { token: partner.apiKey, json: { code, deviceId } });
const reverse = (partner: { apiKey: string }, redemptionId: string) =>
  call("POST", `/v1/partner/redemptions/${redemptionId}/reversal`, { token: partner.apiKey });

async function setUp() {
  const merchant = await createMerchant();
  const partner = await createPartner(merchant);
  return { merchant, partner };
}

/** The code's read model once its ledger's events have landed at `version`. */
async function codeRow(merchant: TestMerchant, orderId: string, version: number) {
  const rows = await eventually(
    () =>
      d1Rows<Record<string, number | string | null>>(
        "SELECT * FROM codes WHERE order_id = ? AND merchant_id = ?",
        orderId,
        merchant.id,
      ),
    (found) => found[0]?.version === version,
    15_000,
  );
  return rows[0] as Record<string, number | string | null>;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("stored value under concurrency", () => {
  it("100 simultaneous partial redemptions of 7.00 from a 500.00 card: exactly 71 succeed and 3.00 is left", async () => {
    const { merchant, partner } = await setUp();
    const card = await deliveredForm(merchant, { form: "balance", balance: 50_000 });

    const responses = await Promise.all(Array.from({ length: 100 }, () => spend(partner, card.code, 700)));

    expect(tally(responses)).toEqual({ "201": 71, "409 insufficient_balance": 29 });
    const balances = responses
      .filter((res) => res.status === 201)
      .map((res) => res.body.code.balance.amount as number)
      .sort((a, b) => b - a);
    // Each success saw its own balance: 49 300, 48 600, … down to 300, none twice.
    expect(balances).toEqual(Array.from({ length: 71 }, (_, i) => 50_000 - 700 * (i + 1)));
    const check = await verify(partner, card.code);
    expect(check.body).toMatchObject({
      form: "balance",
      status: "active",
      balance: { remaining: { amount: 300, currency: "CNY" }, total: { amount: 50_000, currency: "CNY" } },
    });
    expect(check.body.history).toHaveLength(50);
    const row = await codeRow(merchant, card.orderId, 72);
    expect(row).toMatchObject({ form: "balance", balance_total: 50_000, balance_remaining: 300 });
    expect(
      await eventually(
        () =>
          d1Rows<{ n: number; spent: number }>(
            "SELECT count(*) AS n, sum(amount) AS spent FROM redemptions WHERE code_id = ?",
            row.id,
          ),
        (found) => found[0]?.n === 71,
        15_000,
      ),
    ).toEqual([{ n: 71, spent: 49_700 }]);
  });

  it("mixed amounts in one burst never spend more than the balance, and what was spent is what was answered", async () => {
    const { merchant, partner } = await setUp();
    const card = await deliveredForm(merchant, { form: "balance", balance: 10_000 });
    const amounts = Array.from({ length: 100 }, (_, i) => 50 + ((i * 37) % 400));

    const responses = await Promise.all(amounts.map((amount) => spend(partner, card.code, amount)));

    const spent = responses.reduce((sum, res, i) => (res.status === 201 ? sum + (amounts[i] as number) : sum), 0);
    expect(spent).toBeLessThanOrEqual(10_000);
    expect(responses.every((res) => res.status === 201 || res.body.code === "insufficient_balance")).toBe(true);
    const check = await verify(partner, card.code);
    expect(check.body.balance.remaining.amount).toBe(10_000 - spent);
    // The balance only fell during the burst, so a refusal made at any moment of it refused an
    // amount above what is left at the end: no affordable spend was turned away.
    const refused = amounts.filter((_, i) => responses[i]?.status === 409);
    expect(refused.length).toBeGreaterThan(0);
    for (const amount of refused) expect(amount).toBeGreaterThan(10_000 - spent);
  });

  it("the same Idempotency-Key sent 50 times at once spends once", async () => {
    const { partner, merchant } = await setUp();
    const card = await deliveredForm(merchant, { form: "balance", balance: 1_000 });
    const key = crypto.randomUUID();

    const responses = await Promise.all(Array.from({ length: 50 }, () => spend(partner, card.code, 400, key)));

    const ok = responses.filter((res) => res.status === 201);
    expect(new Set(ok.map((res) => res.body.id)).size).toBe(1);
    expect(responses.every((res) => res.status === 201 || res.body.code === "idempotency_key_in_use")).toBe(true);
    expect((await verify(partner, card.code)).body.balance.remaining.amount).toBe(600);
  });

  it("reversals racing redemptions restore exactly what they reversed", async () => {
    const { merchant, partner } = await setUp();
    const card = await deliveredForm(merchant, { form: "balance", balance: 3_000 });
    const first = await Promise.all(Array.from({ length: 3 }, () => spend(partner, card.code, 1_000)));
    expect(tally(first)).toEqual({ "201": 3 });

    // Two reversals (one sent twice) and ten more spends of 1 000, all at once.
    const [a, b] = first.map((res) => res.body.id as string);
    const racing: Promise<ApiResponse>[] = [
      reverse(partner, a as string),
      reverse(partner, a as string),
      reverse(partner, b as string),
      ...Array.from({ length: 10 }, () => spend(partner, card.code, 1_000)),
    ];
    const responses = await Promise.all(racing);
    const reversals = responses.slice(0, 3);
    const spends = responses.slice(3);
    expect(tally(reversals)).toEqual({ "200": 2, "409 already_reversed": 1 });
    const spentAgain = spends.filter((res) => res.status === 201).length;
    // 2 000 came back; at most that much can have been spent again.
    expect(spentAgain).toBeLessThanOrEqual(2);
    expect((await verify(partner, card.code)).body.balance.remaining.amount).toBe(2_000 - spentAgain * 1_000);
  });
});

describe("licences under concurrency", () => {
  it("a 3-seat licence against 60 simultaneous activations by 20 devices holds exactly 3 devices", async () => {
    const { partner, merchant } = await setUp();
    const licence = await deliveredForm(merchant, { form: "seats", seats: 3 });
    const devices = Array.from({ length: 20 }, (_, i) => `device-${i}`);

    // Each device asks three times at once: a retry must never take a second seat.
    const responses = await Promise.all(
      devices.flatMap((device) => [0, 1, 2].map(() => activate(partner, licence.code, device))),
    );

    const granted = new Set(responses.filter((res) => res.status === 201).map((res) => res.body.deviceId as string));
    expect(granted.size).toBe(3);
    for (const device of granted) {
      const mine = responses.filter((res) => res.body?.deviceId === device);
      expect(mine).toHaveLength(3);
      expect(new Set(mine.map((res) => res.body.activatedAt)).size).toBe(1);
    }
    expect(tally(responses)).toEqual({ "201": 9, "409 seats_full": 51 });
    const check = await call("POST", "/v1/partner/verifications", {
      token: partner.apiKey,
      json: { code: licence.code, deviceId: [...granted][0] },
    });
    expect(check.body.seats).toMatchObject({ total: 3, used: 3, deviceHoldsSeat: true });
    expect(check.body.seats.devices.map((d: { deviceId: string }) => d.deviceId).sort()).toEqual([...granted].sort());
    const outsider = devices.find((device) => !granted.has(device)) as string;
    const denied = await call("POST", "/v1/partner/verifications", {
      token: partner.apiKey,
      json: { code: licence.code, deviceId: outsider },
    });
    expect(denied.body.seats.deviceHoldsSeat).toBe(false);
  });

  it("deactivations racing activations never hold more than the seats, and a freed seat is taken once", async () => {
    const { partner, merchant } = await setUp();
    const licence = await deliveredForm(merchant, { form: "seats", seats: 2 });
    expect((await activate(partner, licence.code, "a")).status).toBe(201);
    expect((await activate(partner, licence.code, "b")).status).toBe(201);

    const responses = await Promise.all([
      deactivate(partner, licence.code, "a"),
      deactivate(partner, licence.code, "a"),
      ...Array.from({ length: 30 }, (_, i) => activate(partner, licence.code, `new-${i}`)),
    ]);

    expect(tally(responses.slice(0, 2))).toEqual({ "200": 2 });
    expect(responses[0]?.body.deactivatedAt).toBe(responses[1]?.body.deactivatedAt);
    const won = responses.slice(2).filter((res) => res.status === 201);
    expect(won.length).toBeLessThanOrEqual(1);
    const check = await verify(partner, licence.code);
    expect(check.body.seats.used).toBe(1 + won.length);
    expect(check.body.seats.used).toBeLessThanOrEqual(2);
    // The read model follows: the devices D1 lists as holding seats are the ledger's.
    const held = await eventually(
      () =>
        d1Rows<{ device_id: string }>(
          "SELECT device_id FROM licence_activations WHERE merchant_id = ? AND deactivated_at IS NULL ORDER BY device_id",
          merchant.id,
        ),
      (rows) => rows.length === check.body.seats.used,
      15_000,
    );
    expect(held.map((row) => row.device_id)).toEqual(
      check.body.seats.devices.map((d: { deviceId: string }) => d.deviceId).sort(),
    );
  });
});

describe("count cards with a minimum interval under concurrency", () => {
  it("50 simultaneous uses of a 10-use card with a one-hour interval: exactly 1 succeeds, 49 are too soon", async () => {
    const { partner, merchant } = await setUp();
    const card = await deliveredForm(merchant, { form: "uses", minIntervalSeconds: 3_600 }, { uses: 10 });

    const responses = await Promise.all(Array.from({ length: 50 }, () => redeemUse(partner, card.code)));

    expect(tally(responses)).toEqual({ "201": 1, "409 code_too_soon": 49 });
    const refused = responses.find((res) => res.status === 409);
    const retryAfter = Number(refused?.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3_500);
    expect(retryAfter).toBeLessThanOrEqual(3_600);
    const check = await verify(partner, card.code);
    expect(check.body).toMatchObject({ remainingUses: 9, valid: false });
    expect(Date.parse(check.body.nextUseAt)).toBeGreaterThan(Date.now() + 3_500_000);

    // An hour later one more use is allowed, and again only one of a burst.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + HOUR);
    const later = await Promise.all(Array.from({ length: 20 }, () => redeemUse(partner, card.code)));
    expect(tally(later)).toEqual({ "201": 1, "409 code_too_soon": 19 });
    expect((await verify(partner, card.code)).body.remainingUses).toBe(8);
  });
});

describe("time cards at the edges of their window", () => {
  const terms = {
    form: "time" as const,
    durationSeconds: 2 * 86_400,
    start: "activation" as const,
    weekdays: null,
    hours: { from: "09:00", to: "18:00" },
    timeZone: "Asia/Shanghai",
  };
  /** The next 09:00 in Shanghai after now (01:00 UTC). */
  const nextNineShanghai = () => {
    const now = Date.now();
    const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate(), 1);
    return today > now ? today : today + DAY;
  };

  it("opens at its first use, admits 17:59 and refuses 18:00 and 08:59, and expires at the duration's end", async () => {
    const { partner, merchant } = await setUp();
    const card = await deliveredForm(merchant, terms);
    const nine = nextNineShanghai();
    vi.useFakeTimers({ toFake: ["Date"] });

    vi.setSystemTime(nine - 60_000);
    await expectRefused(await redeemUse(partner, card.code), "outside_allowed_hours");
    expect((await verify(partner, card.code)).body.window).toMatchObject({ activatedAt: null, usableNow: false });

    vi.setSystemTime(nine);
    // The first use, sent 30 times at once, activates the card once: every use is counted,
    // the window starts at one instant.
    const first = await Promise.all(Array.from({ length: 30 }, () => redeemUse(partner, card.code)));
    expect(tally(first)).toEqual({ "201": 30 });
    const opened = (await verify(partner, card.code)).body;
    expect(opened.window.activatedAt).toBe(new Date(nine).toISOString());
    expect(opened.expiresAt).toBe(new Date(nine + 2 * DAY).toISOString());

    vi.setSystemTime(nine + 9 * HOUR - 1);
    expect((await redeemUse(partner, card.code)).status).toBe(201);
    vi.setSystemTime(nine + 9 * HOUR);
    await expectRefused(await redeemUse(partner, card.code), "outside_allowed_hours");
    vi.setSystemTime(nine + DAY + HOUR);
    expect((await redeemUse(partner, card.code)).status).toBe(201);
    vi.setSystemTime(nine + 2 * DAY - 1);
    await expectRefused(await redeemUse(partner, card.code), "outside_allowed_hours");
    vi.setSystemTime(nine + 2 * DAY);
    await expectRefused(await redeemUse(partner, card.code), "code_expired");
    expect((await verify(partner, card.code)).body).toMatchObject({ status: "expired", valid: false });
  });

  it("counted from purchase, expires at issuance plus its duration whether used or not", async () => {
    const { partner, merchant } = await setUp();
    const card = await deliveredForm(merchant, { ...terms, start: "purchase", hours: null, durationSeconds: 3_600 });
    const issued = Date.parse((await verify(partner, card.code)).body.expiresAt) - HOUR;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(issued + HOUR - 1);
    expect((await redeemUse(partner, card.code)).status).toBe(201);
    vi.setSystemTime(issued + HOUR);
    await expectRefused(await redeemUse(partner, card.code), "code_expired");
  });
});

async function expectRefused(res: ApiResponse, code: string) {
  expect({ status: res.status, code: res.body?.code }, JSON.stringify(res.body)).toEqual({ status: 409, code });
}
