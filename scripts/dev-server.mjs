// Shared by `npm start` and the scenario tests: run this repository's wrangler and wait for it.
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

// Calling wrangler's entry with the Node that runs us (Node 22 from node_modules under npm)
// skips npx's extra processes and never picks up an older system Node.
const wranglerEntry = fileURLToPath(new URL("../node_modules/wrangler/bin/wrangler.js", import.meta.url));

/**
 * Runs a wrangler command to completion. Without a stdin and with CI=true wrangler takes the
 * non-interactive path (e.g. `d1 migrations apply` skips its confirmation prompt).
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, quiet?: boolean }} [options]
 */
export function runWrangler(args, { env = process.env, quiet = false } = {}) {
  const result = spawnSync(process.execPath, [wranglerEntry, ...args], {
    cwd: root,
    env: { ...env, CI: "true" },
    stdio: ["ignore", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"],
    encoding: "utf8",
  });
  if (result.status !== 0) {
    const output = quiet ? `\n${result.stdout}${result.stderr}` : "";
    throw new Error(`wrangler ${args.join(" ")} failed (${result.status ?? result.signal})${output}`);
  }
}

/**
 * @param {string[]} args
 * @param {import("node:child_process").SpawnOptions} [options]
 */
export function spawnWrangler(args, options = {}) {
  return spawn(process.execPath, [wranglerEntry, ...args], { cwd: root, ...options });
}

/** Builds web/ into web/dist, which the Worker serves as its static assets. */
export function buildWeb({ quiet = false } = {}) {
  const result = spawnSync("npm", ["run", "build", "-w", "web"], {
    cwd: root,
    stdio: ["ignore", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"],
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(
      `npm run build -w web failed (${result.status ?? result.signal})\n${result.stdout ?? ""}${result.stderr ?? ""}`,
    );
  }
}

/**
 * Polls `${baseUrl}/healthz` until it answers 200. Gives up early when `child` exits, since
 * then nothing will ever answer.
 * @param {string} baseUrl
 * @param {{ timeoutMs?: number, child?: import("node:child_process").ChildProcess }} [options]
 */
export async function waitUntilHealthy(baseUrl, { timeoutMs = 60_000, child } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}) before ${baseUrl}/healthz answered`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${baseUrl}/healthz did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}
