import { beforeAll, describe, expect, it } from "vitest";
import { balanceOf, createChannel, createReseller, type TestReseller } from "../channel-kit";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createTeam,
  d1Rows,
  type Role,
  type TestMerchant,
  type TestStaff,
  unique,
} from "../factories";
import { expectForeignLikeMissing, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/admin/channels/{channelId}/top-ups");
const path = (id: string) => `/v1/admin/channels/${id}/top-ups`;
const cny = (amount: number) => ({ amount, currency: "CNY" });

describe("POST /v1/admin/channels/{channelId}/top-ups", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;
  let reseller: TestReseller;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
    reseller = await createReseller(merchant);
  });

  it("adds to the balance with a ledger row that records the balance it left, audited", async () => {
    const res = await call("POST", path(reseller.id), {
      token: merchant.adminKey,
      json: { amount: cny(12_000), note: "Bank transfer 8842" },
    });
    expectJson(res, 201);
    expect(res.body).toEqual({ entryId: expect.stringMatching(/^cbe_/), balance: cny(12_000) });
    const again = await call("POST", path(reseller.id), { token: merchant.adminKey, json: { amount: cny(500) } });
    expect(again.body.balance).toEqual(cny(12_500));
    expect(await balanceOf(reseller)).toBe(12_500);
    const entries = (await call("GET", "/v1/channel/balance/entries", { token: reseller.apiKey })).body.data;
    expect(entries).toEqual([
      expect.objectContaining({ id: again.body.entryId, kind: "top_up", amount: cny(500), balanceAfter: cny(12_500) }),
      expect.objectContaining({
        id: res.body.entryId,
        kind: "top_up",
        amount: cny(12_000),
        balanceAfter: cny(12_000),
        note: "Bank transfer 8842",
      }),
    ]);
    const [row] = await d1Rows<{ actor: string }>(
      "SELECT actor FROM channel_balance_entries WHERE id = ?",
      res.body.entryId,
    );
    expect(row?.actor).toMatch(/^key:key_/);
    expect((await auditLog(merchant)).find((entry) => entry.action === "channel.topped_up")).toMatchObject({
      target: reseller.id,
      detail: { entryId: again.body.entryId, amount: 500 },
    });
  });

  it("counts a retried top-up once: the same Idempotency-Key replays it, another body is 422", async () => {
    const before = await balanceOf(reseller);
    const headers = { "idempotency-key": unique("top-up") };
    const sends = await Promise.all(
      Array.from({ length: 20 }, () =>
        call("POST", path(reseller.id), { token: merchant.adminKey, json: { amount: cny(1000) }, headers }),
      ),
    );
    const created = sends.filter((res) => res.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((res) => res.body.entryId)).size).toBe(1);
    for (const res of sends.filter((r) => r.status !== 201)) expect(res.body.code).toBe("idempotency_key_in_use");
    const otherBody = await call("POST", path(reseller.id), {
      token: merchant.adminKey,
      json: { amount: cny(2000) },
      headers,
    });
    await route.expectProblem(otherBody, "idempotency_key_reused");
    expect(await balanceOf(reseller)).toBe(before + 1000);
  });

  it("refuses another currency and nothing (400), and a channel without a balance (409); the balance stays", async () => {
    const before = await balanceOf(reseller);
    const usd = await call("POST", path(reseller.id), {
      token: merchant.adminKey,
      json: { amount: { amount: 100, currency: "USD" } },
    });
    await route.expectProblem(usd, "validation_failed");
    expect(usd.body.errors[0].path).toBe("amount.currency");
    await route.expectProblem(
      await call("POST", path(reseller.id), { token: merchant.adminKey, json: { amount: cny(0) } }),
      "validation_failed",
    );
    await route.expectProblem(
      await call("POST", path(reseller.id), { token: merchant.adminKey, json: { amount: cny(-5) } }),
      "validation_failed",
    );
    const app = await createChannel(merchant, "app");
    await route.expectProblem(
      await call("POST", path(app.id), { token: merchant.adminKey, json: { amount: cny(100) } }),
      "conflict",
    );
    expect(await balanceOf(reseller)).toBe(before);
  });

  it("answers another merchant's channel exactly like a missing one", async () => {
    const json = { amount: cny(100) };
    const foreign = await call("POST", path(reseller.id), { token: other.adminKey, json });
    const missing = await call("POST", path("chn_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), { token: other.adminKey, json });
    await expectForeignLikeMissing(route, foreign, missing);
  });

  it("is for owners and finance: operators and support get 403 forbidden", async () => {
    const before = await balanceOf(reseller);
    const answers = await byRole(team, (headers) =>
      call("POST", path(reseller.id), { headers, json: { amount: cny(10) } }),
    );
    expectJson(answers.owner, 201);
    expectJson(answers.finance, 201);
    await route.expectProblem(answers.operator, "forbidden");
    await route.expectProblem(answers.support, "forbidden");
    expect(await balanceOf(reseller)).toBe(before + 20);
    const actors = await d1Rows<{ actor: string }>(
      "SELECT actor FROM channel_balance_entries WHERE channel_id = ? AND amount = 10 ORDER BY id",
      reseller.id,
    );
    expect(actors.map((row) => row.actor)).toEqual([`staff:${team.owner.id}`, `staff:${team.finance.id}`]);
  });

  itRefusesBadCredentials(route, {
    audience: "admin",
    send: (authorization) =>
      call("POST", path(reseller.id), { headers: authorization ? { authorization } : {}, json: { amount: cny(100) } }),
    otherKindKey: () => reseller.apiKey,
    observe: () => balanceOf(reseller),
  });
});
