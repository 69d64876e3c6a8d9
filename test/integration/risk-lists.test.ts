import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  byRole,
  call,
  createMerchant,
  createProduct,
  createTeam,
  d1Rows,
  eventually,
  getOrder,
  type Role,
  stock,
  stockOf,
  type TestMerchant,
  type TestStaff,
} from "./factories";
import {
  assessmentsOf,
  decisionsOf,
  fingerprintOf,
  ledgerKinds,
  newDevice,
  order,
  payWith,
  SANDBOX_TEST_CARDS,
  until,
  watchRiskQueue,
} from "./risk-kit";

/**
 * Block- and allowlists: a paid order matching a block entry is refunded in the webhook's own
 * invocation, without scoring; one matching an allow entry is fulfilled at once whatever its
 * value. Then the list and settings routes themselves.
 */

const add = (merchant: TestMerchant, entry: Record<string, string>) =>
  call("POST", "/v1/admin/risk/lists", { token: merchant.adminKey, json: entry });

async function expectBlocked(merchant: TestMerchant, orderId: string, observed: string) {
  const view = await until(merchant, orderId, "refunded", 5_000);
  expect(view.statusReason).toBe("risk_blocked");
  // The refund finishes after the claim, in the same invocation's waitUntil.
  const ledger = await eventually(
    () => ledgerKinds(orderId),
    (rows) => rows.length === 2,
  );
  expect(ledger).toEqual([
    { kind: "payment", amount: 1999 },
    { kind: "refund", amount: -1999 },
  ]);
  expect(await assessmentsOf(orderId)).toEqual([
    {
      score: 80,
      decision: "block",
      stage: "fast",
      contributions: [{ rule: "blocklist", points: 80, observed, limit: null }],
    },
  ]);
  expect(await decisionsOf(orderId)).toEqual([{ action: "block", actor: "system", overruled: null }]);
}

describe("blocklists", () => {
  let merchant: TestMerchant;
  let skuId: string;

  beforeAll(async () => {
    merchant = await createMerchant();
    const card = await createProduct(merchant, "card_secret");
    skuId = card.skuId;
    await stock(merchant, skuId, 20);
  });

  it("refund an order paid with a blocklisted card fingerprint, never asking the queue, and return its unit", async () => {
    const first = await order(merchant, [{ skuId, quantity: 1 }]);
    await payWith(first.body.payment.id, SANDBOX_TEST_CARDS.japanIssued);
    await until(merchant, first.body.id, "fulfilled", 5_000);
    const [{ fingerprint } = { fingerprint: "" }] = await d1Rows<{ fingerprint: string }>(
      "SELECT fingerprint FROM payments WHERE order_id = ?",
      first.body.id,
    );
    expect(fingerprint).toBe(await fingerprintOf(SANDBOX_TEST_CARDS.japanIssued));
    expect((await add(merchant, { kind: "payment_fingerprint", list: "block", value: fingerprint })).status).toBe(201);

    const before = await stockOf(merchant, skuId);
    const { result, sent } = await watchRiskQueue(async () => {
      const second = await order(merchant, [{ skuId, quantity: 1 }]);
      await payWith(second.body.payment.id, SANDBOX_TEST_CARDS.japanIssued);
      return second.body.id as string;
    });
    await expectBlocked(merchant, result, `payment_fingerprint:${fingerprint}`);
    expect(sent).toEqual([]);
    expect(await stockOf(merchant, skuId)).toEqual(before);
  });

  it("refund an order from a blocklisted e-mail, however it is spelled", async () => {
    const local = `bad.${merchant.slug.replaceAll("-", "")}`;
    expect((await add(merchant, { kind: "email", list: "block", value: `${local}@gmail.com` })).body.value).toBe(
      `${local.replaceAll(".", "")}@gmail.com`,
    );
    const placed = await order(merchant, [{ skuId, quantity: 1 }], {
      email: `${local.toUpperCase()}+x@googlemail.com`,
    });
    await payWith(placed.body.payment.id);
    await expectBlocked(merchant, placed.body.id, `email:${local.replaceAll(".", "")}@gmail.com`);
  });

  it("refund orders from inside a blocklisted IP range, v4 and v6, and fulfil one from outside it", async () => {
    expect((await add(merchant, { kind: "ip_range", list: "block", value: "203.0.113.77/24" })).body.value).toBe(
      "203.0.113.0/24",
    );
    expect((await add(merchant, { kind: "ip_range", list: "block", value: "2001:db8:abcd::/48" })).body.value).toBe(
      "2001:db8:abcd:0:0:0:0:0/48",
    );
    const v4 = await order(merchant, [{ skuId, quantity: 1 }], { ip: "203.0.113.9" });
    const v6 = await order(merchant, [{ skuId, quantity: 1 }], { ip: "2001:db8:abcd:12::1" });
    const outside = await order(merchant, [{ skuId, quantity: 1 }], { ip: "2001:db8:abce::1" });
    for (const placed of [v4, v6, outside]) await payWith(placed.body.payment.id);
    await expectBlocked(merchant, v4.body.id, "ip_range:203.0.113.0/24");
    await expectBlocked(merchant, v6.body.id, "ip_range:2001:db8:abcd:0:0:0:0:0/48");
    await until(merchant, outside.body.id, "fulfilled", 5_000);
  });

  it("a removed entry blocks nothing from then on", async () => {
    const device = newDevice();
    const entry = await add(merchant, { kind: "device", list: "block", value: device });
    expect((await call("DELETE", `/v1/admin/risk/lists/${entry.body.id}`, { token: merchant.adminKey })).status).toBe(
      204,
    );
    const placed = await order(merchant, [{ skuId, quantity: 1 }], { device });
    await payWith(placed.body.payment.id);
    await until(merchant, placed.body.id, "fulfilled", 5_000);
  });
});

describe("allowlists", () => {
  it("fulfil a large order from an allowlisted device at once, recorded and never queued; a block entry still wins", async () => {
    // The real defaults, under which an order this large would be scored.
    const merchant = await createMerchant({ riskScoring: "defaults" });
    const voucher = await createProduct(merchant, "voucher", undefined, 500_000);
    const device = newDevice();
    await add(merchant, { kind: "device", list: "allow", value: device });
    const { result, sent } = await watchRiskQueue(async () => {
      const placed = await order(merchant, [{ skuId: voucher.skuId, quantity: 1 }], { device, country: "GB" });
      await payWith(placed.body.payment.id);
      return placed.body;
    });
    const delivered = await eventually(
      () => getOrder(merchant, result.id, result.accessToken),
      (res) => res.body?.status === "fulfilled",
      2_000,
    );
    expect(delivered.body.status).toBe("fulfilled");
    expect(sent).toEqual([]);
    expect(await assessmentsOf(result.id)).toEqual([
      {
        score: 0,
        decision: "allow",
        stage: "fast",
        contributions: [{ rule: "allowlist", points: 0, observed: `device:${device}`, limit: null }],
      },
    ]);

    const email = `${merchant.slug}-both@example.test`;
    await add(merchant, { kind: "email", list: "block", value: email });
    const both = await order(merchant, [{ skuId: voucher.skuId, quantity: 1 }], { device, email });
    await payWith(both.body.payment.id);
    await until(merchant, both.body.id, "refunded", 5_000);
  });
});

describe("the list routes", () => {
  let merchant: TestMerchant;
  let other: TestMerchant;
  let team: Record<Role, TestStaff>;

  beforeAll(async () => {
    merchant = await createMerchant();
    other = await createMerchant();
    team = await createTeam(merchant);
  });

  it("add an entry normalized and audited, list it by kind, and refuse the same value again with 409", async () => {
    const added = await add(merchant, { kind: "ip_range", list: "block", value: "10.1.2.3/8", note: "Data centre" });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      id: expect.stringMatching(/^rle_/),
      kind: "ip_range",
      list: "block",
      value: "10.0.0.0/8",
      note: "Data centre",
      createdBy: expect.stringMatching(/^key:/),
    });
    expect((await add(merchant, { kind: "ip_range", list: "block", value: "10.9.9.9/8" })).body.code).toBe("conflict");
    // The same value may sit on the other list.
    expect((await add(merchant, { kind: "ip_range", list: "allow", value: "10.0.0.0/8" })).status).toBe(201);
    const listed = await call("GET", "/v1/admin/risk/lists?kind=ip_range&list=block", { token: merchant.adminKey });
    expect(listed.body.data.map((entry: { value: string }) => entry.value)).toEqual(["10.0.0.0/8"]);
    const audits = (await auditLog(merchant)).filter((entry) => entry.action === "risk.list_entry_added");
    expect(audits).toHaveLength(2);
    expect(audits[1]).toMatchObject({ target: added.body.id, detail: { kind: "ip_range", value: "10.0.0.0/8" } });
  });

  it("refuse a value that is not of its kind with 400", async () => {
    for (const [kind, value] of [
      ["ip_range", "10.0.0.0/33"],
      ["ip_range", "example.com"],
      ["email", "nobody"],
      ["device", "has spaces"],
    ]) {
      const res = await add(merchant, { kind: kind as string, list: "block", value: value as string });
      expect(res.status, `${kind} ${value}`).toBe(400);
      expect(res.body.code).toBe("validation_failed");
    }
  });

  it("remove an entry once (then 404), audited; another merchant's entry answers 404 and stays", async () => {
    const entry = await add(merchant, { kind: "device", list: "block", value: newDevice() });
    const foreign = await call("DELETE", `/v1/admin/risk/lists/${entry.body.id}`, { token: other.adminKey });
    expect(foreign.status).toBe(404);
    expect((await call("DELETE", `/v1/admin/risk/lists/${entry.body.id}`, { token: merchant.adminKey })).status).toBe(
      204,
    );
    expect((await call("DELETE", `/v1/admin/risk/lists/${entry.body.id}`, { token: merchant.adminKey })).status).toBe(
      404,
    );
    expect((await auditLog(merchant))[0]).toMatchObject({ action: "risk.list_entry_removed", target: entry.body.id });
  });

  it("let every role read the lists, and only owners and operators change them", async () => {
    const answers = await byRole(team, (headers) =>
      call("POST", "/v1/admin/risk/lists", { headers, json: { kind: "device", list: "block", value: newDevice() } }),
    );
    expect(Object.fromEntries(Object.entries(answers).map(([role, res]) => [role, res.status]))).toEqual({
      owner: 201,
      operator: 201,
      finance: 403,
      support: 403,
    });
    const reads = await byRole(team, (headers) => call("GET", "/v1/admin/risk/lists", { headers }));
    for (const res of Object.values(reads)) expect(res.status).toBe(200);
  });
});

describe("the settings routes", () => {
  it("answer the defaults until the merchant sets its own, then those, audited", async () => {
    const merchant = await createMerchant({ riskScoring: "defaults" });
    const first = await call("GET", "/v1/admin/risk/settings", { token: merchant.adminKey });
    expect(first.body).toMatchObject({
      settings: { scoreFrom: 50_000, reviewAt: 40, blockAt: 80 },
      updatedAt: null,
      updatedBy: null,
    });
    const settings = { ...first.body.settings, scoreFrom: 10_000, reviewAt: 30 };
    const put = await call("PUT", "/v1/admin/risk/settings", { token: merchant.adminKey, json: settings });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      settings: { scoreFrom: 10_000, reviewAt: 30 },
      updatedBy: expect.stringMatching(/^key:/),
    });
    expect((await call("GET", "/v1/admin/risk/settings", { token: merchant.adminKey })).body.settings).toEqual(
      settings,
    );
    expect((await auditLog(merchant))[0]).toMatchObject({
      action: "risk.settings_updated",
      detail: { before: { reviewAt: 40 }, after: { reviewAt: 30 } },
    });
  });

  it("refuse cut-offs out of order and unknown time zones with 400, storing nothing", async () => {
    const merchant = await createMerchant({ riskScoring: "defaults" });
    const { settings } = (await call("GET", "/v1/admin/risk/settings", { token: merchant.adminKey })).body;
    const crossed = await call("PUT", "/v1/admin/risk/settings", {
      token: merchant.adminKey,
      json: { ...settings, reviewAt: 90, blockAt: 80 },
    });
    expect(crossed.status).toBe(400);
    expect(crossed.body.errors).toEqual([{ path: "reviewAt", message: "must not be above blockAt" }]);
    const zone = await call("PUT", "/v1/admin/risk/settings", {
      token: merchant.adminKey,
      json: {
        ...settings,
        redemption: { ...settings.redemption, skus: { sku_x: { regions: [], hours: null, timeZone: "Mars/Olympus" } } },
      },
    });
    expect(zone.status).toBe(400);
    expect((await call("GET", "/v1/admin/risk/settings", { token: merchant.adminKey })).body.updatedAt).toBeNull();
  });
});
