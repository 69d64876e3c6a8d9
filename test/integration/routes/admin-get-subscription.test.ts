import { beforeAll, describe, expect, it } from "vitest";
import { CARDS, runCron, subscribed } from "../bundle-kit";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/subscriptions/{subscriptionId}");
const path = (id: string) => `/v1/admin/subscriptions/${id}`;

describe("GET /v1/admin/subscriptions/{subscriptionId}", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
  });

  it("shows a subscription's state, its renewals and its history", async () => {
    const { subscription, orderId } = await subscribed(merchant, {
      card: CARDS.failsOnceLater,
      email: "cy@example.test",
    });
    const due = Date.parse(subscription.nextRenewalAt);
    await runCron(due);
    await runCron(due + 3_600_000);
    const res = await call("GET", path(subscription.id), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      id: subscription.id,
      email: "cy@example.test",
      status: "active",
      sourceOrderId: orderId,
      currentPeriod: { index: 1 },
      renewals: [
        { period: 1, status: "succeeded", attempts: 2, lastFailure: "processing_error", orderId: expect.any(String) },
      ],
      history: [
        {
          kind: "payment_failed",
          period: 1,
          attempt: 1,
          detail: { failure: "processing_error", retryAt: expect.any(String) },
        },
        { kind: "renewed", period: 1, attempt: 2 },
      ],
    });
  });

  it("answers another merchant's subscription exactly like a missing one", async () => {
    const { subscription } = await subscribed(merchant);
    const foreign = await call("GET", path(subscription.id), { token: other.adminKey });
    const missing = await call("GET", path("sub_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is open to every role", async () => {
    const { subscription } = await subscribed(merchant);
    const answers = await byRole(team, (headers) => call("GET", path(subscription.id), { headers }));
    for (const role of Object.keys(answers) as Role[]) expectJson(answers[role], 200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: async (authorization) =>
      call("GET", path("sub_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
