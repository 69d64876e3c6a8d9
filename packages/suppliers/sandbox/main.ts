// `node packages/suppliers/sandbox/main.ts [--port 8790]`: the sandbox supplier on its own, as
// `npm start` runs it beside the Worker. Development only; state lives in memory.
import { parseArgs } from "node:util";
import { startSandboxSupplier } from "./server.ts";

const { values } = parseArgs({
  options: { port: { type: "string", default: process.env.SUPPLIER_PORT ?? "8790" }, host: { type: "string" } },
});
const sandbox = await startSandboxSupplier({
  port: Number(values.port),
  host: values.host ?? "127.0.0.1",
  log: (line) => console.error(line),
});
console.log(`sandbox supplier listening on ${sandbox.url}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void sandbox.close().then(() => process.exit(0)));
}
