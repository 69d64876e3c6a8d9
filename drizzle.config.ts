import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL into migrations/; only `wrangler d1 migrations apply` runs it
// (and the tests, which read the same files).
export default defineConfig({
  dialect: "sqlite",
  schema: "./packages/db/src/schema.ts",
  out: "./migrations",
});
