import { env } from "cloudflare:workers";
import { canonicalString, checkEndpoint, openCard, sealCard, signRequest, verifyFields } from "@tessera/suppliers";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../workers/env";
import { call, createMerchant, d1Rows } from "./factories";
import { callWithEnv } from "./routes/kit";
import {
  approvedSupplier,
  bindSku,
  createTopUpProduct,
  health,
  registerSupplier,
  SANDBOX_URL,
  sandboxAccount,
  syncNow,
} from "./supply-kit";

/**
 * The signed-gateway protocol and the rules around every outbound supplier call: signatures
 * over a canonical string with a timestamp and a nonce, card secrets sealed to their order,
 * credentials stored encrypted, calls only to the configured host, no redirects followed, no
 * private addresses outside development and tests.
 */

const credentials = { appId: "app_test", signingSecret: "s".repeat(40) };
const CARD_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

describe("the signed-gateway protocol", () => {
  it("signs a canonical string of every field but the signature, sorted, empty values left out", () => {
    expect(
      canonicalString({ method: "order.query", appId: "a", sign: "x", nonce: "n1", empty: "", none: undefined }),
    ).toBe("appId=a&method=order.query&nonce=n1");
  });

  it("accepts its own signature and refuses a changed field, another key, or a stale timestamp", async () => {
    const now = Math.floor(Date.now() / 1000);
    const request = await signRequest(credentials, "order.topup", { merchantOrderNo: "spo_1", quantity: 1 }, now);
    expect(request.sign).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyFields(credentials.signingSecret, request, now)).toEqual({ ok: true });
    expect(await verifyFields(credentials.signingSecret, { ...request, bizContent: '{"quantity":2}' }, now)).toEqual({
      ok: false,
      reason: "mismatch",
    });
    expect(await verifyFields("another-secret-of-enough-length", request, now)).toMatchObject({ ok: false });
    expect(await verifyFields(credentials.signingSecret, request, now + 301)).toEqual({ ok: false, reason: "stale" });
    // A fresh nonce every time: two signatures of the same payload differ.
    const again = await signRequest(credentials, "order.topup", { merchantOrderNo: "spo_1", quantity: 1 }, now);
    expect(again.nonce).not.toBe(request.nonce);
    expect(again.sign).not.toBe(request.sign);
  });

  it("seals card secrets to their account and order: they open for that order only", async () => {
    const sealed = await sealCard(CARD_KEY, "app_test", "spo_A", { cardNo: "CARD-1", cardSecret: "PIN-1" });
    expect(sealed.cardNo).not.toContain("CARD-1");
    expect(await openCard(CARD_KEY, "app_test", "spo_A", sealed)).toEqual({ cardNo: "CARD-1", cardSecret: "PIN-1" });
    await expect(openCard(CARD_KEY, "app_test", "spo_B", sealed)).rejects.toThrow();
    await expect(openCard(CARD_KEY, "app_other", "spo_A", sealed)).rejects.toThrow();
  });
});

describe("the outbound policy", () => {
  const strict = { allowPrivateNetwork: false };

  it.each([
    "http://supplier.example/gateway",
    "https://127.0.0.1/gateway",
    "https://10.1.2.3/gateway",
    "https://169.254.169.254/latest/meta-data",
    "https://192.168.1.10/",
    "https://[::1]/",
    "https://[fd00::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://localhost/",
    "https://gateway.internal/",
    "https://2130706433/",
    "https://user:pass@supplier.example/",
    "ftp://supplier.example/",
    "not a url",
  ])("refuses %s in production", (endpoint) => {
    expect(checkEndpoint(endpoint, strict).ok).toBe(false);
  });

  it("accepts a public https endpoint, and the local sandbox only where private networks are allowed", () => {
    expect(checkEndpoint("https://api.supplier.example/gateway", strict).ok).toBe(true);
    expect(checkEndpoint(`${SANDBOX_URL}/gateway`, strict).ok).toBe(false);
    expect(checkEndpoint(`${SANDBOX_URL}/gateway`, { allowPrivateNetwork: true }).ok).toBe(true);
  });

  it("cannot be switched to private networks in production", () => {
    expect(() =>
      loadConfig({
        ...env,
        ENVIRONMENT: "production",
        SANDBOX_PAYMENTS: "disabled",
        SUPPLIER_PRIVATE_NETWORK: "allowed",
        WEBHOOK_PRIVATE_NETWORK: undefined,
      }),
    ).toThrow(ConfigError);
    expect(
      loadConfig({
        ...env,
        ENVIRONMENT: "production",
        SANDBOX_PAYMENTS: "disabled",
        SUPPLIER_PRIVATE_NETWORK: undefined,
        WEBHOOK_PRIVATE_NETWORK: undefined,
      }).supplierPrivateNetwork,
    ).toBe(false);
  });

  it("refuses to register a loopback endpoint when the switch is off, and to call one already stored", async () => {
    const merchant = await createMerchant();
    const account = await sandboxAccount();
    const strictEnv = { SUPPLIER_PRIVATE_NETWORK: "denied" };
    const refused = await callWithEnv(strictEnv, "POST", "/v1/admin/suppliers", {
      token: merchant.adminKey,
      json: {
        name: "Loopback",
        adapter: "signed_gateway",
        endpoint: `${SANDBOX_URL}/gateway`,
        credentials: account,
        documents: [{ kind: "contract", name: "Contract", reference: "C-1" }],
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: "endpoint", message: "the endpoint must use https" }]);

    const { supplierId } = await approvedSupplier(merchant);
    await bindSku(merchant, (await createTopUpProduct(merchant)).skuId, [
      { supplierId, productId: "MOBILE-100", cost: 9_800 },
    ]);
    const blocked = await callWithEnv(strictEnv, "POST", `/v1/admin/suppliers/${supplierId}/sync`, {
      token: merchant.adminKey,
    });
    expect(blocked.status).toBe(503);
    expect(blocked.body.detail).toContain("endpoint_refused");
  });

  it("never follows a supplier's redirect", async () => {
    const merchant = await createMerchant();
    const account = await sandboxAccount();
    const supplierId = await registerSupplier(merchant, account, { endpoint: `${SANDBOX_URL}/redirect` });
    await call("POST", `/v1/operator/suppliers/${supplierId}/review`, {
      token: env.OPERATOR_API_KEY,
      json: { decision: "approved", reviewer: "ops" },
    });
    await bindSku(merchant, (await createTopUpProduct(merchant)).skuId, [
      { supplierId, productId: "MOBILE-100", cost: 9_800 },
    ]);
    const res = await syncNow(merchant, supplierId);
    expect(res.status).toBe(503);
    expect((await health(merchant, supplierId)).lastFailure).toBe("redirect");
  });

  it("stores the credentials encrypted and never shows them again", async () => {
    const merchant = await createMerchant();
    const account = await sandboxAccount();
    const supplierId = await registerSupplier(merchant, account);
    const [row] = await d1Rows<{ credentials_ciphertext: string }>(
      "SELECT credentials_ciphertext FROM suppliers WHERE id = ?",
      supplierId,
    );
    expect(row?.credentials_ciphertext).toMatch(/^k2:/);
    for (const secret of [account.signingSecret, account.cardKey]) {
      expect(row?.credentials_ciphertext).not.toContain(secret);
      const listed = await call("GET", "/v1/admin/suppliers", { token: merchant.adminKey });
      expect(JSON.stringify(listed.body)).not.toContain(secret);
    }
  });
});
