// The browser tests run against the real Worker under `wrangler dev`, serving a fresh build of web/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { root } from "../../scripts/dev-server.mjs";
import { startLocalWorker } from "../support/local-worker";

export default async function setup(project: TestProject) {
  // Always rebuild: the tests are about the pages as they are in web/ now (E2E_SKIP_BUILD=1 reuses a build).
  const build = process.env.E2E_SKIP_BUILD === "1" ? "if-missing" : "always";
  const worker = await startLocalWorker({ name: "e2e", build, healthTimeoutMs: 90_000 });
  mkdirSync(join(root, "test/artifacts/screenshots"), { recursive: true });
  project.provide("baseUrl", worker.baseUrl);
  project.provide("operatorApiKey", worker.secret("OPERATOR_API_KEY"));
  return worker.teardown;
}
