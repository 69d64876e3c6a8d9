import { signCallback } from "@tessera/suppliers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, eventually, getOrder, pay, type TestMerchant } from "../factories";
import { approvedSupplier, bindSku, createTopUpProduct, type HeldCallback, postCallback, syncNow } from "../supply-kit";
import { expectJson, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/webhooks/suppliers/{supplierId}");

describe("POST /v1/webhooks/suppliers/{supplierId}", () => {
  let merchant: TestMerchant;
  let supplier: Awaited<ReturnType<typeof approvedSupplier>>;
  let order: { id: string; accessToken: string };
  let processing: HeldCallback;
  let success: HeldCallback;

  beforeAll(async () => {
    merchant = await createMerchant();
    supplier = await approvedSupplier(merchant, { switches: { autoFinish: false } });
    const { skuId } = await createTopUpProduct(merchant);
    await bindSku(merchant, skuId, [{ supplierId: supplier.supplierId, productId: "MOBILE-100", cost: 9_800 }]);
    await syncNow(merchant, supplier.supplierId);
    const created = await call("POST", `/v1/shops/${merchant.slug}/orders`, {
      json: { email: "b@example.test", items: [{ skuId, quantity: 1, recipient: { phone: "13500000000" } }] },
    });
    order = created.body;
    await pay(created.body.payment.id);
    const [upstream] = await eventually(
      () => supplier.sandbox.orders(),
      (orders) => orders.length === 1,
    );
    await supplier.sandbox.finish(upstream.merchantOrderNo, "success");
    [processing, success] = (await eventually(
      () => supplier.sandbox.callbacks(),
      (callbacks) => callbacks.length === 2,
    )) as [HeldCallback, HeldCallback];
  });

  it("applies a verified callback, and recognises its replay as a duplicate", async () => {
    const first = await postCallback(processing);
    expectJson(first, 200);
    expect(first.body).toEqual({ received: true, duplicate: false, status: "processing" });
    const done = await postCallback(success);
    expectJson(done, 200);
    expect(done.body).toEqual({ received: true, duplicate: false, status: "succeeded" });
    expect((await postCallback(success)).body).toEqual({ received: true, duplicate: true, status: "succeeded" });
    const fulfilled = await eventually(
      () => getOrder(merchant, order.id, order.accessToken),
      (res) => res.body.status === "fulfilled",
    );
    expect(fulfilled.body.deliveries).toHaveLength(1);
  });

  it("answers 404 not_found for an unknown supplier, or an order it never placed with this supplier", async () => {
    await route.expectProblem(await postCallback(success, "sup_01JD5ZQ8W4N3M2K1H0G9F8E7D6"), "not_found");
    const envelope = JSON.parse(success.body);
    const stranger = await signCallback(
      supplier.account,
      "ntf_stranger",
      { ...JSON.parse(envelope.bizContent), merchantOrderNo: "spo_01JD5ZQ8W4N3M2K1H0G9F8E7D6" },
      Math.floor(Date.now() / 1000),
    );
    await route.expectProblem(
      await postCallback({ notifyUrl: success.notifyUrl, body: JSON.stringify(stranger) }),
      "not_found",
    );
  });

  it("answers 404 when another supplier, with its own valid signature, reports on an order placed with this one", async () => {
    const rival = await approvedSupplier(merchant);
    const envelope = JSON.parse(success.body);
    const hijack = await signCallback(
      rival.account,
      "ntf_hijack",
      { ...JSON.parse(envelope.bizContent), status: "failed" },
      Math.floor(Date.now() / 1000),
    );
    await route.expectProblem(
      await postCallback({ notifyUrl: null, body: JSON.stringify(hijack) }, rival.supplierId),
      "not_found",
    );
  });

  it("answers 409 conflict for a signed callback describing another product or quantity than was ordered", async () => {
    const envelope = JSON.parse(success.body);
    const other = await signCallback(
      supplier.account,
      "ntf_other_product",
      { ...JSON.parse(envelope.bizContent), productId: "MOBILE-50" },
      Math.floor(Date.now() / 1000),
    );
    await route.expectProblem(
      await postCallback({ notifyUrl: success.notifyUrl, body: JSON.stringify(other) }),
      "conflict",
    );
  });

  it("refuses a forged, tampered, stale or unsigned callback with 400 invalid_signature", async () => {
    const envelope = JSON.parse(success.body);
    const payload = JSON.parse(envelope.bizContent);
    const now = Math.floor(Date.now() / 1000);
    const forged = await signCallback(
      { appId: supplier.account.appId, signingSecret: "x".repeat(64) },
      "ntf_f",
      payload,
      now,
    );
    const stale = await signCallback(supplier.account, "ntf_s", payload, now - 600);
    const wrongAccount = await signCallback({ ...supplier.account, appId: "app_someone_else" }, "ntf_w", payload, now);
    for (const body of [
      JSON.stringify(forged),
      JSON.stringify(stale),
      JSON.stringify(wrongAccount),
      JSON.stringify({ ...envelope, bizContent: envelope.bizContent.replace("MOBILE-100", "MOBILE-50") }),
      JSON.stringify({ ...envelope, sign: undefined }),
      "",
    ]) {
      await route.expectProblem(await postCallback({ notifyUrl: success.notifyUrl, body }), "invalid_signature");
    }
  });
});
