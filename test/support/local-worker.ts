// Starts the real Worker under `wrangler dev` for a test project: fresh local state in a temp
// directory, the committed development secrets, the real migrations, a free port. The scenario
// and browser tests both stand on it.
import type { ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWeb, root, runWrangler, spawnWrangler, waitUntilHealthy } from "../../scripts/dev-server.mjs";
import { readDevVars } from "../../scripts/dev-vars.mjs";

export interface LocalWorker {
  baseUrl: string;
  /** Reads a secret of the committed .dev.vars.example, failing loudly when it is missing. */
  secret(key: string): string;
  teardown(): Promise<void>;
}

export async function startLocalWorker(options: {
  /** Names the temp state dir and the log, kept in test/artifacts (git-ignored): the Worker's own logs explain most failures. */
  name: string;
  /** `always` rebuilds web/ (tests about the pages as they are now); `if-missing` reuses a build. */
  build: "always" | "if-missing";
  healthTimeoutMs: number;
}): Promise<LocalWorker> {
  const logPath = join(root, `test/artifacts/${options.name}-wrangler.log`);
  // The committed example, not a developer's .dev.vars, so every run sees the same secrets.
  const envFile = join(root, ".dev.vars.example");
  const vars = readDevVars(envFile);
  const stateDir = mkdtempSync(join(tmpdir(), `tessera-${options.name}-`));
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
    runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], { env, quiet: true });
    if (options.build === "always" || !existsSync(join(root, "web/dist/index.html"))) buildWeb({ quiet: true });

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    mkdirSync(join(root, "test/artifacts"), { recursive: true });
    log = createWriteStream(logPath);
    child = spawnWrangler(
      [
        "dev",
        ...["--port", String(port), "--ip", "127.0.0.1", "--persist-to", stateDir, "--env-file", envFile],
        "--show-interactive-dev-session=false",
      ],
      // Its own process group, so teardown can stop wrangler together with its workerd.
      { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    // Both streams feed one file, so neither may end it; teardown does.
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    const group = child.pid;
    // Last resort if vitest exits without running teardown: never leave a server behind.
    process.once("exit", () => group && killGroup(group, "SIGKILL"));

    try {
      await waitUntilHealthy(baseUrl, { child, timeoutMs: options.healthTimeoutMs });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ${logPath} ---\n${tail(logPath)}`);
    }
    return { baseUrl, secret: (key) => required(vars, key), teardown };
  } catch (error) {
    await teardown();
    throw error;
  }
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
  // wrangler's workerd may outlive the wrangler process by a moment; the group kill covers it.
  killGroup(pid, "SIGKILL");
}

function tail(path: string, lines = 60): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
