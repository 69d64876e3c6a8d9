import { signCallback } from "@tessera/suppliers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, d1Rows, eventually, getOrder, pay, type TestMerchant } from "./factories";
import {
  approvedSupplier,
  bindSku,
  createTopUpProduct,
  type HeldCallback,
  postCallback,
  type SandboxAccount,
  type SandboxSwitches,
  sandbox,
  syncNow,
} from "./supply-kit";

/**
 * Supplier callbacks are verified with that supplier's key, deduplicated by notify id, and
 * applied so that duplicates, stale and out-of-order reports leave exactly one outcome;
 * anything forged or unsigned is refused and changes nothing.
 */

describe("supplier callbacks", () => {
  let merchant: TestMerchant;

  beforeAll(async () => {
    merchant = await createMerchant();
  });

  /** A paid top-up order at a fresh supplier whose callbacks are held for the test. */
  async function paidTopUp(switches: SandboxSwitches = {}) {
    const supplier = await approvedSupplier(merchant, { switches });
    const { skuId } = await createTopUpProduct(merchant);
    await bindSku(merchant, skuId, [{ supplierId: supplier.supplierId, productId: "MOBILE-100", cost: 9800 }]);
    await syncNow(merchant, supplier.supplierId);
    const created = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      json: { email: "buyer@example.test", items: [{ skuId, quantity: 1, recipient: { phone: "13912345678" } }] },
    });
    expect(created.status).toBe(201);
    await pay(created.body.payment.id);
    await eventually(
      () => supplier.sandbox.orders(),
      (orders) => orders.length === 1,
    );
    return { supplier, order: created.body as { id: string; accessToken: string } };
  }

  const waitFor = (account: SandboxAccount, count: number) =>
    eventually(
      () => sandbox(account).callbacks(),
      (callbacks) => callbacks.length >= count,
    );

  const settledRows = (orderId: string) =>
    d1Rows<{ status: string; settlements: number }>(
      `SELECT o.status, (SELECT count(*) FROM supplier_settlements s WHERE s.supplier_order_id = o.id) AS settlements
       FROM supplier_orders o WHERE o.order_id = ?`,
      orderId,
    );

  it("applies duplicated callbacks once: one delivery, one payment to the supplier, the repeats flagged", async () => {
    const { supplier, order } = await paidTopUp({ duplicateCallbacks: 2 });
    await waitFor(supplier.account, 6);
    const callbacks = await supplier.sandbox.drain();
    expect(callbacks.map((callback) => callback.status)).toEqual([
      "processing",
      "processing",
      "processing",
      "success",
      "success",
      "success",
    ]);
    const answers = [];
    for (const callback of callbacks) answers.push(await postCallback(callback));
    expect(answers.map((answer) => [answer.status, answer.body.duplicate])).toEqual([
      [200, false],
      [200, true],
      [200, true],
      [200, false],
      [200, true],
      [200, true],
    ]);
    const done = await eventually(
      () => getOrder(merchant, order.id, order.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(done.body.deliveries).toHaveLength(1);
    expect(await settledRows(order.id)).toEqual([{ status: "succeeded", settlements: 1 }]);
  });

  it("keeps the outcome when callbacks arrive out of order (the stale `processing` after `success`)", async () => {
    const { supplier, order } = await paidTopUp({ outOfOrderCallbacks: true });
    await waitFor(supplier.account, 2);
    const callbacks = await supplier.sandbox.drain();
    expect(callbacks.map((callback) => callback.status)).toEqual(["success", "processing"]);
    for (const callback of callbacks) expect((await postCallback(callback)).status).toBe(200);
    const done = await eventually(
      () => getOrder(merchant, order.id, order.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(done.body.deliveries).toHaveLength(1);
    expect(await settledRows(order.id)).toEqual([{ status: "succeeded", settlements: 1 }]);
  });

  it("never lets a later, conflicting report undo a finished order", async () => {
    const { supplier, order } = await paidTopUp({ autoFinish: false });
    const [upstream] = await supplier.sandbox.orders();
    await supplier.sandbox.finish(upstream.merchantOrderNo, "success");
    await waitFor(supplier.account, 2);
    const [, success] = await supplier.sandbox.drain();
    expect((await postCallback(success as HeldCallback)).body).toMatchObject({ duplicate: false, status: "succeeded" });
    // A correctly signed report that the same order failed (a supplier bug, or a replay of an
    // older state) changes nothing: the first outcome stands.
    const failed = await signCallback(
      supplier.account,
      "ntf_conflicting_report",
      { ...JSON.parse(JSON.parse(success?.body ?? "{}").bizContent), status: "failed", failReason: "LATE", version: 9 },
      Math.floor(Date.now() / 1000),
    );
    const answer = await postCallback({ notifyUrl: success?.notifyUrl ?? null, body: JSON.stringify(failed) });
    expect(answer.body).toMatchObject({ duplicate: false, status: "succeeded" });
    const done = await eventually(
      () => getOrder(merchant, order.id, order.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(done.body.status).toBe("fulfilled");
    expect(await settledRows(order.id)).toEqual([{ status: "succeeded", settlements: 1 }]);
  });

  describe("forged callbacks", () => {
    let held: HeldCallback;
    let account: SandboxAccount;
    let order: { id: string; accessToken: string };

    beforeAll(async () => {
      const made = await paidTopUp({ autoFinish: false });
      account = made.supplier.account;
      order = made.order;
      const [upstream] = await made.supplier.sandbox.orders();
      await made.supplier.sandbox.finish(upstream.merchantOrderNo, "success");
      await waitFor(account, 2);
      held = (await made.supplier.sandbox.drain())[1] as HeldCallback;
      expect(held.status).toBe("success");
    });

    const unchanged = async () => {
      expect((await getOrder(merchant, order.id, order.accessToken)).body.status).toBe("paid");
      expect(await settledRows(order.id)).toEqual([{ status: "processing", settlements: 0 }]);
    };

    it("refuses a callback signed with another key", async () => {
      const envelope = JSON.parse(held.body);
      const forged = await signCallback(
        { appId: account.appId, signingSecret: "f".repeat(64) },
        "ntf_forged_1",
        JSON.parse(envelope.bizContent),
        Math.floor(Date.now() / 1000),
      );
      const res = await postCallback({ notifyUrl: held.notifyUrl, body: JSON.stringify(forged) });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("invalid_signature");
      await unchanged();
    });

    it("refuses a tampered body, a stale timestamp, a missing signature, and garbage", async () => {
      const envelope = JSON.parse(held.body);
      const tampered = { ...envelope, bizContent: envelope.bizContent.replace('"amount":9800', '"amount":1') };
      const stale = await signCallback(
        account,
        "ntf_stale",
        JSON.parse(envelope.bizContent),
        Math.floor(Date.now() / 1000) - 301,
      );
      const { sign: _sign, ...unsigned } = envelope;
      for (const body of [JSON.stringify(tampered), JSON.stringify(stale), JSON.stringify(unsigned), "not json"]) {
        const res = await postCallback({ notifyUrl: held.notifyUrl, body });
        expect(res.status, body.slice(0, 40)).toBe(400);
        expect(res.body.code).toBe("invalid_signature");
      }
      await unchanged();
    });

    it("refuses a genuine callback posted to another supplier's address", async () => {
      const other = await approvedSupplier(merchant);
      const res = await postCallback(held, other.supplierId);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("invalid_signature");
      await unchanged();
    });

    it("answers a correctly signed callback about an order it never placed with 404", async () => {
      const envelope = JSON.parse(held.body);
      const unknown = await signCallback(
        account,
        "ntf_unknown_order",
        { ...JSON.parse(envelope.bizContent), merchantOrderNo: "spo_01JD5ZQ8W4N3M2K1H0G9F8E7D6" },
        Math.floor(Date.now() / 1000),
      );
      const res = await postCallback({ notifyUrl: held.notifyUrl, body: JSON.stringify(unknown) });
      expect(res.status).toBe(404);
    });

    it("reads nothing the signature does not cover: a query string or header saying `failed` is ignored", async () => {
      const res = await call("POST", `${new URL(held.notifyUrl ?? "").pathname}?status=failed&merchantOrderNo=x`, {
        body: held.body,
        headers: { "content-type": "application/json", "x-status": "failed" },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true, duplicate: false, status: "succeeded" });
      const done = await eventually(
        () => getOrder(merchant, order.id, order.accessToken),
        (body) => body.body.status === "fulfilled",
      );
      expect(done.body.deliveries).toHaveLength(1);
      // The genuine callback replayed later is a recognised duplicate.
      expect((await postCallback(held)).body).toEqual({ received: true, duplicate: true, status: "succeeded" });
    });
  });
});
