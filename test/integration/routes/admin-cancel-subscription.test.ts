import { beforeAll, describe, expect, it } from "vitest";
import { CARDS, noticesOf, runCron, subscribed, subscriptionOf } from "../bundle-kit";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  type Role,
  type TestMerchant,
  type TestStaff,
  tally,
  unique,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/subscriptions/{subscriptionId}/cancel");
const path = (id: string) => `/v1/admin/subscriptions/${id}/cancel`;
const RETRIES_MS = [3_600_000, 86_400_000, 3 * 86_400_000];

describe("POST /v1/admin/subscriptions/{subscriptionId}/cancel", () => {
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

  it("cancels for the customer: no more renewals, the paid period runs out, the customer is told, audited", async () => {
    const { subscription } = await subscribed(merchant);
    const res = await call("POST", path(subscription.id), { token: merchant.adminKey });
    expectJson(res, 200);
    expect(res.body).toMatchObject({
      id: subscription.id,
      status: "canceled",
      nextRenewalAt: null,
      endsAt: subscription.currentPeriod.end,
    });
    expect((await auditLog(merchant))[0]).toMatchObject({ action: "subscription.canceled", target: subscription.id });
    await runCron(Date.parse(subscription.currentPeriod.end) + 60_000);
    expect((await subscriptionOf(merchant, subscription.id)).renewals).toEqual([]);
    expect((await noticesOf(subscription.id)).map((n) => n.kind)).toEqual(["subscription_canceled"]);
    const history = (await subscriptionOf(merchant, subscription.id)).history;
    expect(history).toEqual([
      expect.objectContaining({ kind: "canceled", detail: { by: expect.stringMatching(/^key:/) } }),
    ]);
  });

  it("cancels once under concurrent requests; cancelling again answers the cancelled subscription", async () => {
    const { subscription } = await subscribed(merchant);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call("POST", path(subscription.id), { token: merchant.adminKey })),
    );
    expect(tally(answers)).toEqual({ "200": 10 });
    expect((await noticesOf(subscription.id)).map((n) => n.kind)).toEqual(["subscription_canceled"]);
    expect((await auditLog(merchant)).filter((entry) => entry.target === subscription.id)).toHaveLength(1);
  });

  it("refuses a lapsed subscription with 409 conflict", async () => {
    const { subscription } = await subscribed(merchant, { card: CARDS.declinesLater });
    let at = Date.parse(subscription.nextRenewalAt);
    await runCron(at);
    for (const delay of RETRIES_MS) {
      at += delay;
      await runCron(at);
    }
    expect((await subscriptionOf(merchant, subscription.id)).status).toBe("lapsed");
    await route.expectProblem(await call("POST", path(subscription.id), { token: merchant.adminKey }), "conflict");
  });

  it("replays the same Idempotency-Key", async () => {
    const { subscription } = await subscribed(merchant);
    const headers = { "idempotency-key": unique("cancel") };
    const first = await call("POST", path(subscription.id), { token: merchant.adminKey, headers });
    const again = await call("POST", path(subscription.id), { token: merchant.adminKey, headers });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });

  it("answers another merchant's subscription exactly like a missing one, cancelling nothing", async () => {
    const { subscription } = await subscribed(merchant);
    const foreign = await call("POST", path(subscription.id), { token: other.adminKey });
    const missing = await call("POST", path("sub_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey });
    await expectForeignLikeMissing(route, foreign, missing);
    expect((await subscriptionOf(merchant, subscription.id)).status).toBe("active");
  });

  it("is for owners and finance: operators and support get 403 forbidden", async () => {
    const subs: Record<string, string> = {};
    for (const role of Object.keys(team)) subs[role] = (await subscribed(merchant)).subscription.id;
    const answers = await byRole(team, (headers, member) => call("POST", path(subs[member.role] ?? ""), { headers }));
    expectJson(answers.owner, 200);
    expectJson(answers.finance, 200);
    await route.expectProblem(answers.operator, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect((await subscriptionOf(merchant, subs.support ?? "")).status).toBe("active");
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: async (authorization) => {
      const { subscription } = await subscribed(merchant);
      return call("POST", path(subscription.id), { headers: authorization ? { authorization } : {} });
    },
    otherKindKey: () => partnerKey,
  });
});
