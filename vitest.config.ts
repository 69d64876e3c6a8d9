import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_BINDINGS } from "./test/worker-bindings.ts";

// The worker tests apply the same SQL that `wrangler d1 migrations apply` runs.
const migrations = await readD1Migrations("./migrations");

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
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" }, miniflare: { bindings: { ...TEST_BINDINGS, TEST_MIGRATIONS: migrations } } })],
        test: {
          name: "worker",
          include: ["test/integration/**/*.test.ts", "packages/db/test/**/*.d1.test.ts"],
          setupFiles: ["test/integration/setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
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
    ],
  },
});
