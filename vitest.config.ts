import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
export default defineConfig({
  test: {
    projects: [
      { test: { name: "domain", include: ["packages/domain/**/*.test.ts"], environment: "node" } },
      { plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })], test: { name: "worker", include: ["test/integration/**/*.test.ts"] } },
    ],
  },
});
