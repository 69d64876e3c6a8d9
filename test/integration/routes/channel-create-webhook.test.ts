import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../workers/env";
import { createReseller, RECEIVER_URL, type TestReseller } from "../channel-kit";
import { call, createMerchant, d1Rows, type TestMerchant, unique } from "../factories";
import { callWithEnv, expectJson, itRefusesBadCredentials, routeUnderTest } from "./kit";

const route = routeUnderTest("post", "/v1/channel/webhooks");
const hooks = async (reseller: TestReseller) =>
  (await call("GET", "/v1/channel/webhooks", { token: reseller.apiKey })).body.data as { id: string }[];

describe("POST /v1/channel/webhooks", () => {
  let merchant: TestMerchant;
  let reseller: TestReseller;

  beforeAll(async () => {
    merchant = await createMerchant();
    reseller = await createReseller(merchant);
  });

  it("registers an https endpoint and shows its signing secret once; the secret is stored sealed", async () => {
    const res = await call("POST", "/v1/channel/webhooks", {
      token: reseller.apiKey,
      json: { url: "https://reseller.example.com/hooks/tessera" },
    });
    expectJson(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^whk_/),
      url: "https://reseller.example.com/hooks/tessera",
      status: "active",
      createdAt: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    });
    const [row] = await d1Rows<{ secret: string }>(
      "SELECT secret_ciphertext AS secret FROM channel_webhooks WHERE id = ?",
      res.body.id,
    );
    expect(row?.secret).toMatch(/^k2:/);
    expect(row?.secret).not.toContain(res.body.secret);
    expect(JSON.stringify(await hooks(reseller))).not.toContain(res.body.secret);
  });

  it("replays the same Idempotency-Key with the same endpoint and secret", async () => {
    const before = (await hooks(reseller)).length;
    const headers = { "idempotency-key": unique("hook") };
    const json = { url: "https://reseller.example.com/hooks/again" };
    const first = await call("POST", "/v1/channel/webhooks", { token: reseller.apiKey, json, headers });
    const again = await call("POST", "/v1/channel/webhooks", { token: reseller.apiKey, json, headers });
    expect(again.body).toEqual(first.body);
    expect((await hooks(reseller)).length).toBe(before + 1);
  });

  it("refuses plain http, private and credentialed URLs in production (400), and a sixth endpoint (409)", async () => {
    const production = {
      ENVIRONMENT: "production",
      SANDBOX_PAYMENTS: "disabled",
      SUPPLIER_PRIVATE_NETWORK: "",
      WEBHOOK_PRIVATE_NETWORK: "",
    };
    for (const url of [
      "http://reseller.example.com/hooks",
      "https://127.0.0.1/hooks",
      "https://10.0.0.8/hooks",
      "https://user:pass@reseller.example.com/hooks",
      "https://localhost/hooks",
      `${RECEIVER_URL}/hooks/x`,
      "not a url",
    ]) {
      const res = await callWithEnv(production, "POST", "/v1/channel/webhooks", {
        token: reseller.apiKey,
        json: { url },
      });
      await route.expectProblem(res, "validation_failed");
      expect(res.body.errors[0].path).toBe("url");
    }
    const fresh = await createReseller(merchant);
    for (let i = 0; i < 5; i++) {
      expectJson(
        await call("POST", "/v1/channel/webhooks", {
          token: fresh.apiKey,
          json: { url: `https://reseller.example.com/hooks/${i}` },
        }),
        201,
      );
    }
    await route.expectProblem(
      await call("POST", "/v1/channel/webhooks", {
        token: fresh.apiKey,
        json: { url: "https://reseller.example.com/hooks/6" },
      }),
      "conflict",
    );
    expect((await hooks(fresh)).length).toBe(5);
  });

  it("cannot be allowed private endpoints in production: the configuration refuses the switch", () => {
    const production = {
      ...env,
      ENVIRONMENT: "production",
      SANDBOX_PAYMENTS: "disabled",
      SUPPLIER_PRIVATE_NETWORK: undefined,
    };
    expect(() => loadConfig({ ...production, WEBHOOK_PRIVATE_NETWORK: "allowed" })).toThrow(ConfigError);
    expect(loadConfig({ ...production, WEBHOOK_PRIVATE_NETWORK: undefined }).webhookPrivateNetwork).toBe(false);
  });

  itRefusesBadCredentials(route, {
    audience: "channel",
    send: (authorization) =>
      call("POST", "/v1/channel/webhooks", {
        headers: authorization ? { authorization } : {},
        json: { url: "https://reseller.example.com/hooks/refused" },
      }),
    otherKindKey: () => merchant.adminKey,
    observe: () => hooks(reseller),
  });
});
