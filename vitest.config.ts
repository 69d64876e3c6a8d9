import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_BINDINGS } from "./test/worker-bindings.ts";

// The worker tests apply the same SQL that `wrangler d1 migrations apply` runs.
const migrations = await readD1Migrations("./migrations");

const SHARD_SUITES = [
  "test/integration/invariants-redemption.test.ts",
  "test/integration/invariants-forms.test.ts",
  "test/integration/suite-linearizability.test.ts",
  "test/integration/suite-linearizability-balance.test.ts",
  "test/integration/faults-eviction.test.ts",
  "test/integration/suite-faults.test.ts",
  "test/integration/routes/partner-*.test.ts",
  "test/integration/routes/admin-desk-*.test.ts",
  "test/integration/routes/admin-*-redemption*.test.ts",
  "test/integration/routes/admin-refund-order*.test.ts",
];

/** The tests that run inside workerd, with the Worker's bindings and `vars` over wrangler.toml's. */
function workerProject(name: string, include: string[], vars: Record<string, string> = {}) {
  return {
    plugins: [
      // The sandbox supplier (started by the global setup) is reached over real HTTP; its
      // callbacks name the test origin, which the tests relay to the Worker.
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ...TEST_BINDINGS,
            TEST_MIGRATIONS: migrations,
            SANDBOX_SUPPLIER_URL: inject("sandboxSupplierUrl"),
            WEBHOOK_RECEIVER_URL: inject("webhookReceiverUrl"),
            PUBLIC_BASE_URL: "https://tessera.test",
            ...vars,
          },
        },
      })),
    ],
    test: {
      name,
      include,
      globalSetup: [
        "test/integration/supplier-sandbox.global-setup.ts",
        "test/integration/webhook-receiver.global-setup.ts",
      ],
      setupFiles: ["test/integration/setup.ts"],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: "domain", include: ["packages/domain/test/**/*.test.ts"], environment: "node" },
      },
      {
        // The same repository suite as the D1 run below, on libSQL files in plain Node.
        test: { name: "db", include: ["packages/db/test/**/*.libsql.test.ts"], environment: "node" },
      },
      workerProject("worker", ["test/integration/**/*.test.ts", "packages/db/test/**/*.d1.test.ts"]),
      // The suites that speak about redemption again, with a merchant's codes sharded over 256
      // ledgers instead of one ledger per code (CODE_LEDGER_LAYOUT, see ledgerNameFor).
      workerProject("worker-shard", SHARD_SUITES, { CODE_LEDGER_LAYOUT: "shard" }),
      {
        test: {
          name: "scenario",
          include: ["test/scenario/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/scenario/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Real Chromium against `wrangler dev` serving a fresh build of web/. One file at a
        // time: the machine has two cores, and every file drives its own browser.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/e2e/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
