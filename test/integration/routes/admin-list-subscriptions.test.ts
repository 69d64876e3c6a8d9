import { beforeAll, describe, expect, it } from "vitest";
import { subscribed } from "../bundle-kit";
import {
  byRole,
  call,
  createMerchant,
  createPartner,
  createTeam,
  listAll,
  type Role,
  type TestMerchant,
  type TestStaff,
} from "../factories";
import { expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("get", "/v1/admin/subscriptions");

describe("GET /v1/admin/subscriptions", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let partnerKey: string;
  let ids: string[];

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    partnerKey = (await createPartner(merchant)).apiKey;
    ids = [];
    for (const email of ["ann@example.test", "bob@example.test", "ann@example.test"]) {
      ids.push((await subscribed(merchant, { email })).subscription.id);
    }
    await call("POST", `/v1/admin/subscriptions/${ids[1]}/cancel`, { token: merchant.adminKey });
  });

  it("lists the merchant's subscriptions newest first, a page at a time", async () => {
    const first = await call("GET", "/v1/admin/subscriptions?limit=2", { token: merchant.adminKey });
    expectJson(first, 200);
    expect(first.body.data.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.data[0]).toMatchObject({
      status: "active",
      renewal: { period: "month", every: 1 },
      price: { amount: 3000, currency: "CNY" },
      paymentMethod: "Visa •••• 4242",
      nextRenewalAt: expect.any(String),
    });
    const next = await call("GET", `/v1/admin/subscriptions?limit=2&cursor=${first.body.nextCursor}`, {
      token: merchant.adminKey,
    });
    expect(next.body).toEqual({ data: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
  });

  it("filters by status and by the buyer's email", async () => {
    const canceled = await listAll("/v1/admin/subscriptions?status=canceled", merchant.adminKey);
    expect(canceled.map((s) => s.id)).toEqual([ids[1]]);
    const ann = await listAll("/v1/admin/subscriptions?email=ANN@example.test", merchant.adminKey);
    expect(ann.map((s) => s.id)).toEqual([ids[2], ids[0]]);
  });

  it("refuses a status it does not know with 400 validation_failed", async () => {
    await route.expectProblem(
      await call("GET", "/v1/admin/subscriptions?status=paused", { token: merchant.adminKey }),
      "validation_failed",
    );
  });

  it("shows another merchant nothing of this one's", async () => {
    const res = await call("GET", "/v1/admin/subscriptions?email=ann@example.test", { token: other.adminKey });
    expectJson(res, 200);
    expect(res.body).toEqual({ data: [], nextCursor: null });
  });

  it("is open to every role", async () => {
    const answers = await byRole(team, (headers) => call("GET", "/v1/admin/subscriptions", { headers }));
    for (const role of Object.keys(answers) as Role[]) expectJson(answers[role], 200);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("GET", "/v1/admin/subscriptions", { headers: authorization ? { authorization } : {} }),
    otherKindKey: () => partnerKey,
  });
});
