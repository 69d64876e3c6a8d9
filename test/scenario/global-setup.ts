// The scenario tests walk the loop over HTTP against the real Worker under `wrangler dev`.
import type { TestProject } from "vitest/node";
import { startLocalWorker } from "../support/local-worker";

export default async function setup(project: TestProject) {
  const worker = await startLocalWorker({ name: "scenario", build: "if-missing", healthTimeoutMs: 60_000 });
  project.provide("baseUrl", worker.baseUrl);
  project.provide("operatorApiKey", worker.secret("OPERATOR_API_KEY"));
  project.provide("sandboxWebhookSecret", worker.secret("SANDBOX_WEBHOOK_SECRET"));
  project.provide("demoAdminApiKey", worker.secret("DEMO_ADMIN_API_KEY"));
  project.provide("demoPartnerApiKey", worker.secret("DEMO_PARTNER_API_KEY"));
  return worker.teardown;
}
