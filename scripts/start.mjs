// `npm start`: from a fresh clone (after `npm install`) to a running, seeded Tessera on one port.
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

// stdin stays attached so wrangler's hotkeys ([b]rowser, [x] exit…) work.
const child = spawnWrangler(["dev", "--port", port, "--ip", "127.0.0.1"], { stdio: "inherit" });
// A start that never became healthy fails even if wrangler then stops cleanly.
child.on("exit", (code) => process.exit(process.exitCode || (code ?? 1)));
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.on(signal, () => child.kill(signal));
}

try {
  await waitUntilHealthy(baseUrl, { child });
  await seedDemo();
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
