import { newRedemptionId } from "@tessera/domain";
import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createMerchant,
  createPartner,
  deliveredForm,
  deliveredVoucher,
  lookupKeyOf,
  type TestMerchant,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/partner/redemptions/{redemptionId}/reversal");
const path = (id: string) => `/v1/partner/redemptions/${id}/reversal`;

const redeem = async (key: string, code: string) => {
  const res = await call("POST", "/v1/partner/redemptions", { token: key, json: { code } });
  if (res.status !== 201) throw new Error(`redeem: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
};
const uses = async (key: string, code: string) =>
  (await call("POST", "/v1/partner/verifications", { token: key, json: { code } })).body;
const MISSING = newRedemptionId("00112233445566778899aabbccddeeff");

describe("POST /v1/partner/redemptions/{redemptionId}/reversal", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let partner: { apiKey: string };
  let sibling: { apiKey: string };
  let otherPartner: { apiKey: string };
  /** A redemption the refused calls aim at: it must stay in force. */
  let guarded: { code: string; id: string };

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    partner = await createPartner(merchant);
    sibling = await createPartner(merchant);
    otherPartner = await createPartner(other);
    const { code } = await deliveredVoucher(merchant);
    guarded = { code, id: await redeem(partner.apiKey, code) };
  });

  it("reverses a redemption and gives its use back", async () => {
    const { code } = await deliveredVoucher(merchant);
    const id = await redeem(partner.apiKey, code);
    expect(await uses(partner.apiKey, code)).toMatchObject({ status: "redeemed", remainingUses: 0 });
    const res = await call("POST", path(id), { token: partner.apiKey });
    expectJson(res, 200);
    expect(res.body).toEqual({
      id,
      status: "reversed",
      reversedAt: expect.any(String),
      code: { status: "active", remainingUses: 1 },
    });
    expect(await uses(partner.apiKey, code)).toMatchObject({ valid: true, remainingUses: 1 });
  });

  it("refuses a second reversal with 409 already_reversed, giving nothing more back", async () => {
    const { code } = await deliveredVoucher(merchant, { uses: 2 });
    const id = await redeem(partner.apiKey, code);
    expectJson(await call("POST", path(id), { token: partner.apiKey }), 200);
    await route.expectProblem(await call("POST", path(id), { token: partner.apiKey }), "already_reversed");
    expect(await uses(partner.apiKey, code)).toMatchObject({ remainingUses: 2 });
  });

  it("answers an unknown or malformed redemption id with 404 not_found", async () => {
    await route.expectProblem(await call("POST", path(MISSING), { token: partner.apiKey }), "not_found");
    await route.expectProblem(await call("POST", path("red_nope"), { token: partner.apiKey }), "not_found");
  });

  it("answers another merchant's partner, or another partner of the same merchant, exactly like a missing id, and gives nothing back", async () => {
    const { code } = await deliveredVoucher(merchant, { uses: 2 });
    const id = await redeem(partner.apiKey, code);
    const foreign = await call("POST", path(id), { token: otherPartner.apiKey });
    await expectForeignLikeMissing(route, foreign, await call("POST", path(MISSING), { token: otherPartner.apiKey }));
    const siblingAttempt = await call("POST", path(id), { token: sibling.apiKey });
    await expectForeignLikeMissing(route, siblingAttempt, await call("POST", path(MISSING), { token: sibling.apiKey }));
    expect(await uses(partner.apiKey, code)).toMatchObject({ remainingUses: 1 });
  });

  it("cannot reach a ledger of another merchant's code by forging an id that points at it", async () => {
    const { code } = await deliveredVoucher(merchant, { uses: 2 });
    await redeem(partner.apiKey, code);
    const forged = newRedemptionId(await lookupKeyOf(merchant.id, code));
    await route.expectProblem(await call("POST", path(forged), { token: otherPartner.apiKey }), "not_found");
    await route.expectProblem(await call("POST", path(forged), { token: partner.apiKey }), "not_found");
    expect(await uses(partner.apiKey, code)).toMatchObject({ remainingUses: 1 });
  });

  it("gives a stored-value redemption's amount back, once", async () => {
    const { code } = await deliveredForm(merchant, { form: "balance", balance: 2_000 });
    const spent = await call("POST", "/v1/partner/redemptions", {
      token: partner.apiKey,
      json: { code, amount: 1_200 },
    });
    expectJson(spent, 201);
    const res = await call("POST", path(spent.body.id), { token: partner.apiKey });
    expectJson(res, 200);
    expect(res.body.code).toEqual({ status: "active", remainingUses: 1, balance: { amount: 2_000, currency: "CNY" } });
    await route.expectProblem(await call("POST", path(spent.body.id), { token: partner.apiKey }), "already_reversed");
    const check = await call("POST", "/v1/partner/verifications", { token: partner.apiKey, json: { code } });
    expect(check.body.balance.remaining.amount).toBe(2_000);
    expect(check.body.history).toEqual([
      expect.objectContaining({ id: spent.body.id, reversedAt: expect.any(String) }),
    ]);
  });

  itRefusesBadCredentials(route, {
    audience: "partner",
    send: (authorization) => call("POST", path(guarded.id), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => merchant.adminKey,
    observe: () => uses(partner.apiKey, guarded.code),
  });
});
