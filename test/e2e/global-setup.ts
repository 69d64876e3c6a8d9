// Runs the real Worker under `wrangler dev` for the browser tests, serving a fresh build of
// web/: fresh local state in a temp directory, the committed development secrets, the real
// migrations, a free port. Mirrors test/scenario/global-setup.ts.
import type { ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildWeb, root, runWrangler, spawnWrangler, waitUntilHealthy } from "../../scripts/dev-server.mjs";
import { readDevVars } from "../../scripts/dev-vars.mjs";

const logPath = join(root, "test/artifacts/e2e-wrangler.log");

export default async function setup(project: TestProject) {
  const envFile = join(root, ".dev.vars.example");
  const vars = readDevVars(envFile);
  const stateDir = mkdtempSync(join(tmpdir(), "tessera-e2e-"));
  // A private dev registry keeps SELF from binding to another `wrangler dev` of this Worker.
  const env = { ...process.env, WRANGLER_REGISTRY_PATH: join(stateDir, "registry"), WRANGLER_SEND_METRICS: "false" };
  let child: ChildProcess | undefined;
  let log: WriteStream | undefined;

  const teardown = async () => {
    if (child) await stop(child);
    log?.end();
    rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    // Always rebuild: the tests are about the pages as they are in web/ now.
    if (process.env.E2E_SKIP_BUILD !== "1") buildWeb({ quiet: true });
    runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], { env, quiet: true });

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    mkdirSync(join(root, "test/artifacts/screenshots"), { recursive: true });
    log = createWriteStream(logPath);
    child = spawnWrangler(
      [
        "dev",
        ...["--port", String(port), "--ip", "127.0.0.1", "--persist-to", stateDir, "--env-file", envFile],
        "--show-interactive-dev-session=false",
      ],
      { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const group = child.pid;
    process.once("exit", () => group && killGroup(group, "SIGKILL"));

    try {
      await waitUntilHealthy(baseUrl, { child, timeoutMs: 90_000 });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ${logPath} ---\n${tail(logPath)}`);
    }

    project.provide("baseUrl", baseUrl);
    project.provide("operatorApiKey", required(vars, "OPERATOR_API_KEY"));
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

function required(vars: Record<string, string>, key: string): string {
  const value = vars[key];
  if (!value) throw new Error(`.dev.vars.example has no ${key}`);
  return value;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function stop(child: ChildProcess) {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  killGroup(pid, "SIGTERM");
  const timeout = new Promise<"timeout">((resolve) => setTimeout(resolve, 10_000, "timeout").unref());
  if ((await Promise.race([exited, timeout])) === "timeout") killGroup(pid, "SIGKILL");
  killGroup(pid, "SIGKILL");
}

function tail(path: string, lines = 60): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
