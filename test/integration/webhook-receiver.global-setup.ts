// Starts the resellers' webhook receiver (a real HTTP server) for the worker tests; its URL
// reaches them as the WEBHOOK_RECEIVER_URL binding.
import type { TestProject } from "vitest/node";
import { startWebhookReceiver } from "../support/webhook-receiver.ts";

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiverUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const receiver = await startWebhookReceiver();
  project.provide("webhookReceiverUrl", receiver.url);
  return () => receiver.close();
}
