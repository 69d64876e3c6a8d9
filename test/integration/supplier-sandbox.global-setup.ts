// Starts the sandbox supplier, a real HTTP server speaking the signed-gateway protocol, for
// the worker tests: the Worker under test calls it on 127.0.0.1 exactly as it would call a
// real supplier. Its URL reaches the Worker as the SANDBOX_SUPPLIER_URL binding.
import type { TestProject } from "vitest/node";
import { startSandboxSupplier } from "../../packages/suppliers/sandbox/server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    sandboxSupplierUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const sandbox = await startSandboxSupplier({ log: (line) => console.error(line) });
  project.provide("sandboxSupplierUrl", sandbox.url);
  return () => sandbox.close();
}
