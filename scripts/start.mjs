// `npm start`: from a fresh clone (after `npm install`) to a running, seeded Tessera on one port.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { buildWeb, root, runWrangler, spawnWrangler, waitUntilHealthy } from "./dev-server.mjs";
import { readDevVars } from "./dev-vars.mjs";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  // Wrangler needs Node ≥ 22.12; npm scripts get it from the `node` devDependency.
  console.error(`Node ${process.versions.node} is too old: run \`npm start\` rather than \`node scripts/start.mjs\`.`);
  process.exit(1);
}

const port = process.env.PORT || "8787";
const baseUrl = `http://127.0.0.1:${port}`;
const supplierPort = process.env.SUPPLIER_PORT || "8790";
const supplierUrl = `http://127.0.0.1:${supplierPort}`;

// The demo merchant's account at the sandbox supplier: fixed, public, development-only values,
// so the supplier Tessera stored keeps working across restarts of the in-memory sandbox.
const DEMO_SUPPLIER = {
  name: "演示供应商 Sandbox supplier",
  appId: "tessera-demo",
  signingSecret: "sandbox-demo-signing-secret-0123456789abcdef",
  cardKey: "ZGVtby1jYXJkLWtleS0zMi1ieXRlcy0wMTIzNDU2Nzg=",
};

const devVarsPath = join(root, ".dev.vars");

if (!existsSync(devVarsPath)) {
  copyFileSync(join(root, ".dev.vars.example"), devVarsPath);
  console.log("Created .dev.vars from .dev.vars.example (development-only secrets).");
}
const vars = readDevVars(devVarsPath);

try {
  buildWeb();
  runWrangler(["d1", "migrations", "apply", "DB", "--local"]);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

// The sandbox supplier: its own process speaking the signed-gateway protocol over HTTP (Node
// runs its TypeScript directly). Development only; it keeps its state in memory.
const supplier = spawn(process.execPath, [join(root, "packages/suppliers/sandbox/main.ts"), "--port", supplierPort], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
});
let stopping = false;
supplier.on("exit", (code, signal) => {
  if (!stopping) console.error(`The sandbox supplier stopped (${code ?? signal}); supplier calls will fail.`);
});

// stdin stays attached so wrangler's hotkeys ([b]rowser, [x] exit…) work. The Worker learns its
// own address so suppliers can post their callbacks to it.
const child = spawnWrangler(["dev", "--port", port, "--ip", "127.0.0.1", "--var", `PUBLIC_BASE_URL:${baseUrl}`], {
  stdio: "inherit",
});
// A start that never became healthy fails even if wrangler then stops cleanly.
child.on("exit", (code) => {
  stopping = true;
  supplier.kill("SIGTERM");
  process.exit(process.exitCode || (code ?? 1));
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.on(signal, () => {
    stopping = true;
    supplier.kill(signal);
    child.kill(signal);
  });
}

try {
  await waitUntilHealthy(baseUrl, { child });
  await seedDemo();
  await seedDemoSupply();
  printBanner(await buySampleVoucher());
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
  child.kill("SIGTERM");
}

// The demo seed is idempotent, so every start calls it; a failure leaves the server up.
async function seedDemo() {
  try {
    const res = await fetch(`${baseUrl}/v1/operator/demo`, {
      method: "POST",
      headers: { authorization: `Bearer ${vars.OPERATOR_API_KEY}` },
    });
    if (!res.ok) {
      const body = (await res.text()).slice(0, 500);
      console.error(`\nSeeding the demo shop failed: POST /v1/operator/demo answered ${res.status}\n${body}\n`);
    }
  } catch (error) {
    console.error(`\nSeeding the demo shop failed: ${error instanceof Error ? error.message : error}\n`);
  }
}

/**
 * Registers the sandbox supplier with the demo merchant, has the operator approve it, and sells
 * a direct top-up (直充) through it; the video card SKU gets it as a just-in-time source. Best
 * effort and idempotent, like the demo seed.
 */
async function seedDemoSupply() {
  try {
    await waitForSupplier();
    await fetchJson(`${supplierUrl}/__sandbox/accounts`, "POST", {
      appId: DEMO_SUPPLIER.appId,
      signingSecret: DEMO_SUPPLIER.signingSecret,
      cardKey: DEMO_SUPPLIER.cardKey,
    });
    const admin = { authorization: `Bearer ${vars.DEMO_ADMIN_API_KEY}` };
    const suppliers = await fetchJson(`${baseUrl}/v1/admin/suppliers?limit=100`, "GET", undefined, admin);
    let supplierId = suppliers.data.find((entry) => entry.name === DEMO_SUPPLIER.name)?.id;
    if (!supplierId) {
      const created = await fetchJson(
        `${baseUrl}/v1/admin/suppliers`,
        "POST",
        {
          name: DEMO_SUPPLIER.name,
          adapter: "signed_gateway",
          endpoint: `${supplierUrl}/gateway`,
          credentials: {
            appId: DEMO_SUPPLIER.appId,
            signingSecret: DEMO_SUPPLIER.signingSecret,
            cardKey: DEMO_SUPPLIER.cardKey,
          },
          documents: [{ kind: "business_license", name: "营业执照 (demo)", reference: "DEMO-LICENCE-0001" }],
        },
        admin,
      );
      supplierId = created.id;
      await fetchJson(
        `${baseUrl}/v1/operator/suppliers/${supplierId}/review`,
        "POST",
        {
          decision: "approved",
          reviewer: "npm start",
          note: "Demo supplier",
        },
        { authorization: `Bearer ${vars.OPERATOR_API_KEY}` },
      );
    }
    const products = (await fetchJson(`${baseUrl}/v1/admin/products?limit=100`, "GET", undefined, admin)).data;
    let topUp = products.find((product) => product.kind === "direct_recharge");
    if (!topUp) {
      topUp = await fetchJson(
        `${baseUrl}/v1/admin/products`,
        "POST",
        {
          name: "手机话费直充 Mobile top-up",
          kind: "direct_recharge",
          description: "全国三网话费直充，到账通常在几分钟内。Credit for any mainland mobile number.",
          instructions: "充值到账后，运营商会发送短信通知。The carrier texts you once the credit arrives.",
          recharge: { template: "mobile_cn" },
          skus: [
            { name: "50 元 CNY 50", price: { amount: 5000, currency: "CNY" } },
            { name: "100 元 CNY 100", price: { amount: 10000, currency: "CNY" } },
          ],
        },
        admin,
      );
      const upstream = ["MOBILE-50", "MOBILE-100"];
      const costs = [4900, 9800];
      for (const [i, sku] of topUp.skus.entries()) {
        await fetchJson(
          `${baseUrl}/v1/admin/skus/${sku.id}/suppliers`,
          "PUT",
          {
            suppliers: [{ supplierId, productId: upstream[i], cost: { amount: costs[i], currency: "CNY" } }],
          },
          admin,
        );
      }
      const video = products.find((product) => product.kind === "card_secret")?.skus[0];
      if (video) {
        await fetchJson(
          `${baseUrl}/v1/admin/skus/${video.id}/suppliers`,
          "PUT",
          {
            suppliers: [{ supplierId, productId: "VIDEO-MONTH", cost: { amount: 1500, currency: "CNY" } }],
            restock: { threshold: 10, quantity: 20 },
          },
          admin,
        );
      }
    }
    // The cron does this every few minutes; a first sync puts the top-ups on sale now.
    await fetchJson(`${baseUrl}/v1/admin/suppliers/${supplierId}/sync`, "POST", undefined, admin);
  } catch (error) {
    console.error(`\nSeeding the demo supplier failed: ${error instanceof Error ? error.message : error}\n`);
  }
}

async function waitForSupplier() {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      if ((await fetch(`${supplierUrl}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the sandbox supplier did not answer on ${supplierUrl}`);
}

async function fetchJson(url, method, json, headers = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(json === undefined ? {} : { "content-type": "application/json" }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/**
 * Buys one demo coffee voucher through the real shop and sandbox payment, so the banner's
 * partner example works as printed. Best effort: the banner falls back to a placeholder.
 */
async function buySampleVoucher() {
  try {
    const catalog = await (await fetch(`${baseUrl}/v1/shops/demo/products`)).json();
    const voucher = catalog.data.find((product) => product.kind === "voucher" && product.skus[0]?.policy.uses === 1);
    const order = await post("/v1/shops/demo/orders", {
      email: "sample@demo.tessera.local",
      items: [{ skuId: voucher.skus[0].id, quantity: 1 }],
    });
    await post(`/v1/sandbox/payments/${order.payment.id}/complete`, { outcome: "succeeded" });
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = await fetch(`${baseUrl}/v1/shops/demo/orders/${order.id}`, {
        headers: { authorization: `Bearer ${order.accessToken}` },
      });
      const body = await res.json();
      if (body.status === "fulfilled") return body.deliveries[0].code;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch {
    // fall through to the placeholder
  }
  return null;
}

async function post(path, json) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(json),
  });
  if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  return res.json();
}

function printBanner(sampleCode) {
  console.log(`
Tessera is running on ${baseUrl}

  Shop       ${baseUrl}/s/demo
  Admin      ${baseUrl}/admin
  API docs   ${baseUrl}/docs
  OpenAPI    ${baseUrl}/openapi.json

  Sandbox supplier   ${supplierUrl}/gateway  (signed gateway; switches at ${supplierUrl}/__sandbox/accounts/${DEMO_SUPPLIER.appId})

  Demo staff         ${vars.DEMO_STAFF_EMAIL} / ${vars.DEMO_STAFF_PASSWORD}
  Admin API key      ${vars.DEMO_ADMIN_API_KEY}
  Partner API key    ${vars.DEMO_PARTNER_API_KEY}

  Verify ${sampleCode ? "this freshly bought demo voucher" : "a voucher code"} as a partner:
    curl -s ${baseUrl}/v1/partner/verifications \\
      -H "Authorization: Bearer ${vars.DEMO_PARTNER_API_KEY}" \\
      -H "Content-Type: application/json" \\
      -d '{"code":"${sampleCode ?? "XXXX-XXXX-XXXX-XXXX-XXXX"}"}'
`);
}
