import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { CodeLedger } from "../../../workers/objects/code-ledger";
import {
  call,
  createMerchant,
  createPartner,
  deliveredForm,
  deliveredVoucher,
  ledgerOf,
  lookupKeyOf,
  type TestMerchant,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, OVERSIZED, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/partner/redemptions");
const DAY = 86_400_000;
const UNKNOWN_CODE = "0000-0000-0000-0000-0000";

const redeem = (key: string, json: unknown, headers: Record<string, string> = {}) =>
  call("POST", route.path, { token: key, json, headers });
const verify = async (key: string, code: string) =>
  (await call("POST", "/v1/partner/verifications", { token: key, json: { code } })).body;

describe("POST /v1/partner/redemptions", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let partner: { id: string; apiKey: string };
  let otherPartner: { id: string; apiKey: string };
  let guarded: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    partner = await createPartner(merchant);
    otherPartner = await createPartner(other);
    guarded = (await deliveredVoucher(merchant)).code;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("redeems one use of a code as typed by a person (case, spaces, look-alikes)", async () => {
    const { code } = await deliveredVoucher(merchant, { uses: 2 });
    const typed = code.toLowerCase().replaceAll("-", " ").replaceAll("0", "o").replaceAll("1", "l");
    const res = await redeem(partner.apiKey, { code: typed, location: "store-7" });
    expectJson(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^red_[0-9A-Z]{52}$/),
      createdAt: expect.any(String),
      code: { status: "active", remainingUses: 1 },
    });
    const last = await redeem(partner.apiKey, { code });
    expect(last.body.code).toEqual({ status: "redeemed", remainingUses: 0 });
  });

  it("refuses a code with no uses left with 409 code_already_redeemed", async () => {
    const { code } = await deliveredVoucher(merchant);
    expectJson(await redeem(partner.apiKey, { code }), 201);
    await route.expectProblem(await redeem(partner.apiKey, { code }), "code_already_redeemed");
    expect(await verify(partner.apiKey, code)).toMatchObject({ status: "redeemed", remainingUses: 0 });
  });

  it("answers an unknown or malformed code with 404 code_not_found", async () => {
    await route.expectProblem(await redeem(partner.apiKey, { code: UNKNOWN_CODE }), "code_not_found");
    await route.expectProblem(await redeem(partner.apiKey, { code: "not a code at all!" }), "code_not_found");
  });

  it("refuses an empty or overlong code with 400 validation_failed, and a huge body with 413", async () => {
    const empty = await redeem(partner.apiKey, { code: "" });
    await route.expectProblem(empty, "validation_failed");
    expect(empty.body.errors).toContainEqual({ path: "code", message: expect.any(String) });
    await route.expectProblem(await redeem(partner.apiKey, { code: "A".repeat(129) }), "validation_failed");
    await route.expectProblem(
      await redeem(partner.apiKey, { code: UNKNOWN_CODE, location: OVERSIZED }),
      "payload_too_large",
    );
  });

  it("refuses a code past its validDays with 409 code_expired, at the route", async () => {
    const { code } = await deliveredVoucher(merchant, { uses: 1, validDays: 30 });
    // Workers tests share one isolate with the Worker and its Durable Objects: moving the
    // clock here moves it for the ledger too, so a month passes in an instant.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31 * DAY);
    await route.expectProblem(await redeem(partner.apiKey, { code }), "code_expired");
    expect(await verify(partner.apiKey, code)).toMatchObject({ valid: false, status: "expired", remainingUses: 1 });
  });

  it("expires a code at exactly validDays after issue, in its ledger", async () => {
    const { code } = await deliveredVoucher(merchant, { uses: 3, validDays: 7 });
    const stub = await ledgerOf(merchant.id, code);
    const lookupKey = await lookupKeyOf(merchant.id, code);
    const input = {
      lookupKey,
      merchantId: merchant.id,
      partnerId: partner.id,
      idempotencyKey: null,
      requestHash: "h",
      location: null,
    };
    const outcome = await runInDurableObject(stub, (ledger: CodeLedger) => {
      const view = ledger.verify(merchant.id, lookupKey);
      if (!view?.expiresAt) throw new Error("the code should expire");
      return {
        before: ledger.redeem({ ...input, now: view.expiresAt - 1 }),
        at: ledger.redeem({ ...input, now: view.expiresAt }),
        status: ledger.verify(merchant.id, lookupKey, view.expiresAt)?.status,
      };
    });
    expect(outcome.before).toMatchObject({ ok: true, redemption: { code: { remainingUses: 2 } } });
    expect(outcome.at).toEqual({ ok: false, error: "code_expired", replayed: false });
    expect(outcome.status).toBe("expired");
  });

  it("refuses another merchant in the ledger itself, should a call ever reach it", async () => {
    const { code } = await deliveredVoucher(merchant);
    const stub = await ledgerOf(merchant.id, code);
    const lookupKey = await lookupKeyOf(merchant.id, code);
    const input = {
      lookupKey,
      merchantId: other.id,
      partnerId: otherPartner.id,
      idempotencyKey: null,
      requestHash: "h",
      location: null,
    };
    const outcome = await runInDurableObject(stub, (ledger: CodeLedger) => ({
      redeem: ledger.redeem(input),
      verify: ledger.verify(other.id, lookupKey),
    }));
    expect(outcome).toEqual({ redeem: { ok: false, error: "code_not_found" }, verify: null });
    expect(await verify(partner.apiKey, code)).toMatchObject({ remainingUses: 1 });
  });

  it("replays the same Idempotency-Key and body without taking a second use, and refuses the key with another body (422)", async () => {
    const { code } = await deliveredVoucher(merchant, { uses: 5 });
    const headers = { "idempotency-key": crypto.randomUUID() };
    const first = await redeem(partner.apiKey, { code, location: "till-1" }, headers);
    expectJson(first, 201);
    const again = await redeem(partner.apiKey, { code, location: "till-1" }, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    await route.expectProblem(
      await redeem(partner.apiKey, { code, location: "till-2" }, headers),
      "idempotency_key_reused",
    );
    expect(await verify(partner.apiKey, code)).toMatchObject({ remainingUses: 4 });
    // With another code (another ledger, which never saw the key), and with another amount.
    const another = await deliveredVoucher(merchant, { uses: 5 });
    await route.expectProblem(
      await redeem(partner.apiKey, { code: another.code, location: "till-1" }, headers),
      "idempotency_key_reused",
    );
    await route.expectProblem(
      await redeem(partner.apiKey, { code, location: "till-1", amount: 5 }, headers),
      "idempotency_key_reused",
    );
    expect(await verify(partner.apiKey, another.code)).toMatchObject({ remainingUses: 5 });
  });

  it("replays a refusal under its Idempotency-Key, marked as replayed; an unknown code is answered afresh", async () => {
    const { code } = await deliveredVoucher(merchant, { uses: 1 });
    expectJson(await redeem(partner.apiKey, { code }), 201);
    const headers = { "idempotency-key": crypto.randomUUID() };
    const refused = await redeem(partner.apiKey, { code }, headers);
    await route.expectProblem(refused, "code_already_redeemed");
    expect(refused.headers.get("idempotent-replayed")).toBeNull();
    const again = await redeem(partner.apiKey, { code }, headers);
    await route.expectProblem(again, "code_already_redeemed");
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const unknownKey = { "idempotency-key": crypto.randomUUID() };
    for (let i = 0; i < 2; i++) {
      const missing = await redeem(partner.apiKey, { code: UNKNOWN_CODE }, unknownKey);
      await route.expectProblem(missing, "code_not_found");
      expect(missing.headers.get("idempotent-replayed")).toBeNull();
    }
  });

  it("answers another merchant's partner exactly like an unknown code, and takes no use", async () => {
    const { code } = await deliveredVoucher(merchant, { uses: 2 });
    const foreign = await redeem(otherPartner.apiKey, { code });
    const missing = await redeem(otherPartner.apiKey, { code: UNKNOWN_CODE });
    await expectForeignLikeMissing(route, foreign, missing, "code_not_found");
    expect(await verify(partner.apiKey, code)).toMatchObject({ status: "active", remainingUses: 2 });
  });

  describe("product forms", () => {
    it("spends an amount of a stored-value code and answers what it spent and what is left", async () => {
      const { code } = await deliveredForm(merchant, { form: "balance", balance: 10_000 });
      const res = await redeem(partner.apiKey, { code, amount: 2_550, location: "till-3" });
      expectJson(res, 201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^red_/),
        createdAt: expect.any(String),
        amount: { amount: 2_550, currency: "CNY" },
        code: { status: "active", remainingUses: 1, balance: { amount: 7_450, currency: "CNY" } },
      });
      const spentAll = await redeem(partner.apiKey, { code, amount: 7_450 });
      expect(spentAll.body.code).toEqual({
        status: "redeemed",
        remainingUses: 1,
        balance: { amount: 0, currency: "CNY" },
      });
      await route.expectProblem(await redeem(partner.apiKey, { code, amount: 1 }), "insufficient_balance");
      const check = await call("POST", "/v1/partner/verifications", { token: partner.apiKey, json: { code } });
      expect(check.body.history).toEqual([
        expect.objectContaining({ amount: { amount: 7_450, currency: "CNY" }, reversedAt: null, location: null }),
        expect.objectContaining({ amount: { amount: 2_550, currency: "CNY" }, location: "till-3" }),
      ]);
    });

    it("refuses more than the balance with 409 insufficient_balance and spends nothing", async () => {
      const { code } = await deliveredForm(merchant, { form: "balance", balance: 500 });
      await route.expectProblem(await redeem(partner.apiKey, { code, amount: 501 }), "insufficient_balance");
      expect((await verify(partner.apiKey, code)).balance.remaining.amount).toBe(500);
    });

    it("needs an amount for stored value (400 amount_required) and refuses one elsewhere (400 amount_not_applicable)", async () => {
      const card = await deliveredForm(merchant, { form: "balance", balance: 500 });
      await route.expectProblem(await redeem(partner.apiKey, { code: card.code }), "amount_required");
      await route.expectProblem(await redeem(partner.apiKey, { code: guarded, amount: 100 }), "amount_not_applicable");
      await route.expectProblem(await redeem(partner.apiKey, { code: card.code, amount: 0 }), "validation_failed");
      await route.expectProblem(await redeem(partner.apiKey, { code: card.code, amount: 1.5 }), "validation_failed");
    });

    it("replays a stored-value redemption for the same key and amount, and refuses the key with another amount (422)", async () => {
      const { code } = await deliveredForm(merchant, { form: "balance", balance: 1_000 });
      const headers = { "idempotency-key": crypto.randomUUID() };
      const first = await redeem(partner.apiKey, { code, amount: 300 }, headers);
      expectJson(first, 201);
      expect((await redeem(partner.apiKey, { code, amount: 300 }, headers)).body).toEqual(first.body);
      await route.expectProblem(await redeem(partner.apiKey, { code, amount: 400 }, headers), "idempotency_key_reused");
      expect((await verify(partner.apiKey, code)).balance.remaining.amount).toBe(700);
    });

    it("refuses a count card's use within its interval with 409 code_too_soon and a Retry-After", async () => {
      const { code } = await deliveredForm(merchant, { form: "uses", minIntervalSeconds: 600 }, { uses: 3 });
      expectJson(await redeem(partner.apiKey, { code }), 201);
      const soon = await redeem(partner.apiKey, { code });
      await route.expectProblem(soon, "code_too_soon");
      expect(Number(soon.headers.get("retry-after"))).toBeGreaterThan(590);
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 600_000);
      expect((await redeem(partner.apiKey, { code })).body.code).toEqual({ status: "active", remainingUses: 1 });
    });

    it("refuses a time card outside its allowed weekdays with 409 outside_allowed_hours, and does not activate it", async () => {
      // Allowed on no day but the one after tomorrow, on the merchant's clock.
      const weekday = ((new Date(Date.now() + 2 * DAY).getUTCDay() + 6) % 7) + 1;
      const { code } = await deliveredForm(merchant, {
        form: "time",
        durationSeconds: 86_400,
        start: "activation",
        weekdays: [weekday],
        hours: null,
        timeZone: "UTC",
      });
      await route.expectProblem(await redeem(partner.apiKey, { code }), "outside_allowed_hours");
      expect((await verify(partner.apiKey, code)).window).toMatchObject({ activatedAt: null, usableNow: false });
    });

    it("refuses to redeem a licence key with 409 code_form_mismatch: it is activated on a device", async () => {
      const { code } = await deliveredForm(merchant, { form: "seats", seats: 2 });
      await route.expectProblem(await redeem(partner.apiKey, { code }), "code_form_mismatch");
    });
  });

  itRefusesBadCredentials(route, {
    audience: "partner",
    send: (authorization) =>
      call("POST", route.path, { json: { code: guarded }, headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
    observe: () => verify(partner.apiKey, guarded),
  });
});
