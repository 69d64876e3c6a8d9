import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import { afterAll } from "vitest";
import { libsqlDatabase } from "../src/libsql";
import { defineRepositorySuite } from "./repository-suite";

const MIGRATIONS = fileURLToPath(new URL("../../../migrations/", import.meta.url));

/** The SQL that `wrangler d1 migrations apply` runs, file by file, split where drizzle-kit marks it. */
async function migrationStatements(): Promise<string[]> {
  const files = (await readdir(MIGRATIONS)).filter((file) => file.endsWith(".sql")).sort();
  const statements: string[] = [];
  for (const file of files) {
    const text = await readFile(join(MIGRATIONS, file), "utf8");
    statements.push(
      ...text
        .split("--> statement-breakpoint")
        .map((sql) => sql.trim())
        .filter(Boolean),
    );
  }
  return statements;
}

const dir = await mkdtemp(join(tmpdir(), "tessera-libsql-"));
const client = createClient({ url: `file:${join(dir, "repository.db")}` });

afterAll(async () => {
  client.close();
  await rm(dir, { recursive: true, force: true });
});

defineRepositorySuite("libsql", async () => {
  await client.batch(await migrationStatements(), "write");
  return libsqlDatabase(client);
});
