import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  call,
  createMerchant,
  createPartner,
  deliveredForm,
  deliveredVoucher,
  type TestMerchant,
  verify,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/partner/activations");
const UNKNOWN_CODE = "0000-0000-0000-0000-0000";
const DAY = 86_400_000;

const activate = (key: string, json: unknown) => call("POST", route.path, { token: key, json });

describe("POST /v1/partner/activations", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let partner: { id: string; apiKey: string };
  let otherPartner: { apiKey: string };
  let licence: Awaited<ReturnType<typeof deliveredForm>>;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    partner = await createPartner(merchant);
    otherPartner = await createPartner(other);
    licence = await deliveredForm(merchant, { form: "seats", seats: 2 });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("activates a device on a seat, confirms it again without a second seat, and refuses a third device", async () => {
    const { code } = await deliveredForm(merchant, { form: "seats", seats: 2 });
    const first = await activate(partner.apiKey, { code, deviceId: "laptop-1" });
    expectJson(first, 201);
    expect(first.body).toEqual({
      deviceId: "laptop-1",
      activatedAt: expect.any(String),
      seats: { total: 2, used: 1 },
    });
    const again = await activate(partner.apiKey, { code, deviceId: "laptop-1" });
    expect(again.body).toEqual(first.body);
    expectJson(await activate(partner.apiKey, { code, deviceId: "phone-2" }), 201);
    await route.expectProblem(await activate(partner.apiKey, { code, deviceId: "tablet-3" }), "seats_full");
    const check = await verify(partner, code);
    expect(check.body).toMatchObject({
      form: "seats",
      valid: true,
      seats: { total: 2, used: 2, devices: [{ deviceId: "laptop-1" }, { deviceId: "phone-2" }] },
    });
  });

  it("refuses a code that is not a licence with 409 code_form_mismatch", async () => {
    const { code } = await deliveredVoucher(merchant);
    await route.expectProblem(await activate(partner.apiKey, { code, deviceId: "d" }), "code_form_mismatch");
  });

  it("refuses a voided licence (its order refunded) with 409 code_voided", async () => {
    const { code, orderId } = await deliveredForm(merchant, { form: "seats", seats: 5 });
    const refund = await call("POST", `/v1/admin/orders/${orderId}/refund`, {
      token: merchant.adminKey,
      json: { reason: "test" },
    });
    expect(refund.status).toBe(200);
    await route.expectProblem(await activate(partner.apiKey, { code, deviceId: "d" }), "code_voided");
  });

  it("refuses an expired licence with 409 code_expired", async () => {
    const { code } = await deliveredForm(merchant, { form: "seats", seats: 5 }, { validDays: 1 });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * DAY);
    await route.expectProblem(await activate(partner.apiKey, { code, deviceId: "d" }), "code_expired");
  });

  it("answers an unknown code with 404 code_not_found, and bad device ids with 400 validation_failed", async () => {
    await route.expectProblem(await activate(partner.apiKey, { code: UNKNOWN_CODE, deviceId: "d" }), "code_not_found");
    for (const deviceId of ["", "a".repeat(129), "has space", "设备"]) {
      await route.expectProblem(await activate(partner.apiKey, { code: licence.code, deviceId }), "validation_failed");
    }
    await route.expectProblem(await activate(partner.apiKey, { code: licence.code }), "validation_failed");
  });

  it("answers another merchant's partner exactly like an unknown code, and takes no seat", async () => {
    const foreign = await activate(otherPartner.apiKey, { code: licence.code, deviceId: "intruder" });
    const missing = await activate(otherPartner.apiKey, { code: UNKNOWN_CODE, deviceId: "intruder" });
    await expectForeignLikeMissing(route, foreign, missing, "code_not_found");
    expect((await verify(partner, licence.code)).body.seats.devices).not.toContainEqual(
      expect.objectContaining({ deviceId: "intruder" }),
    );
  });

  itRefusesBadCredentials(route, {
    audience: "partner",
    send: (authorization) =>
      call("POST", route.path, {
        json: { code: licence.code, deviceId: "x" },
        headers: authorization ? { authorization } : {},
      }),
    observe: async () => (await verify(partner, licence.code)).body.seats,
    otherKindKey: () => merchant.adminKey,
  });
});
