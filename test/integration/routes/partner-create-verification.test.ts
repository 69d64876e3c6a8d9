import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { call, createMerchant, createPartner, deliveredVoucher, type TestMerchant } from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/partner/verifications");
const UNKNOWN_CODE = "0000-0000-0000-0000-0000";

const verify = (key: string, code: unknown) => call("POST", route.path, { token: key, json: { code } });

describe("POST /v1/partner/verifications", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let partner: { apiKey: string };
  let otherPartner: { apiKey: string };
  let voucher: Awaited<ReturnType<typeof deliveredVoucher>>;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    partner = await createPartner(merchant);
    otherPartner = await createPartner(other);
    voucher = await deliveredVoucher(merchant, { uses: 3, validDays: 30 });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("reports a code's state without using it", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await verify(partner.apiKey, voucher.code);
      expectJson(res, 200);
      expect(res.body).toEqual({
        valid: true,
        status: "active",
        remainingUses: 3,
        expiresAt: expect.any(String),
        productName: expect.stringMatching(/^voucher-/),
        form: "uses",
      });
      const days = (Date.parse(res.body.expiresAt) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThanOrEqual(30);
    }
  });

  it("matches a code typed in lower case with spaces, or in full-width characters", async () => {
    const spaced = voucher.code.toLowerCase().replaceAll("-", " ");
    expectJson(await verify(partner.apiKey, spaced), 200);
    const fullWidth = voucher.code.replace(/[0-9A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
    expect((await verify(partner.apiKey, fullWidth)).body.valid).toBe(true);
  });

  it("reports a used-up code as not valid", async () => {
    const { code } = await deliveredVoucher(merchant);
    expect((await call("POST", "/v1/partner/redemptions", { token: partner.apiKey, json: { code } })).status).toBe(201);
    const res = await verify(partner.apiKey, code);
    expectJson(res, 200);
    expect(res.body).toMatchObject({ valid: false, status: "redeemed", remainingUses: 0, expiresAt: null });
  });

  it("reports an expired code as not valid", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31 * 86_400_000);
    expect((await verify(partner.apiKey, voucher.code)).body).toMatchObject({
      valid: false,
      status: "expired",
      remainingUses: 3,
    });
  });

  it("answers an unknown or malformed code with 404 code_not_found", async () => {
    await route.expectProblem(await verify(partner.apiKey, UNKNOWN_CODE), "code_not_found");
    await route.expectProblem(await verify(partner.apiKey, "<script>"), "code_not_found");
  });

  it("refuses a missing, empty or overlong code with 400 validation_failed", async () => {
    for (const code of [undefined, "", "X".repeat(129), 42]) {
      const res = await verify(partner.apiKey, code);
      await route.expectProblem(res, "validation_failed");
      expect(res.body.errors).toContainEqual({ path: "code", message: expect.any(String) });
    }
  });

  it("answers another merchant's partner exactly like an unknown code", async () => {
    const foreign = await verify(otherPartner.apiKey, voucher.code);
    const missing = await verify(otherPartner.apiKey, UNKNOWN_CODE);
    await expectForeignLikeMissing(route, foreign, missing, "code_not_found");
  });

  itRefusesBadCredentials(route, {
    audience: "partner",
    send: (authorization) =>
      call("POST", route.path, { json: { code: voucher.code }, headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
  });
});
