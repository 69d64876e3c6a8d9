// Builds the Worker the way `wrangler deploy` does and runs it in workerd through Miniflare,
// with the bindings wrangler.toml declares, beside the reference Workers, in one workerd.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions, type WorkerdStructuredLog } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig, unstable_splitSqlQuery } from "wrangler";
import { root } from "../../scripts/dev-server.mjs";
import { readDevVars } from "../../scripts/dev-vars.mjs";

const LOCALHOST = "127.0.0.1";
const wranglerEntry = join(root, "node_modules/wrangler/bin/wrangler.js");

/** Runs this repository's wrangler, with the Node running us, in `cwd` (a source tree). */
export function wrangler(cwd: string, args: string[]): string {
  const result = spawnSync(process.execPath, [wranglerEntry, ...args], {
    cwd,
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(
      `wrangler ${args.join(" ")} failed (${result.status ?? result.signal})\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

/**
 * Extracts the tree of a commit (`git archive`, which changes nothing in the repository) into
 * `dir`, so a benchmark can measure a fixed commit while the working tree keeps moving. The
 * copy uses this checkout's node_modules, except that our own workspace packages point into
 * the copy, and this checkout's built web/dist.
 */
export function extractCommit(ref: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const tar = execFileSync("git", ["archive", "--format=tar", ref], { cwd: root, maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  const modules = join(dir, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(join(root, "node_modules"))) {
    if (entry === "@tessera") continue;
    symlinkSync(join(root, "node_modules", entry), join(modules, entry));
  }
  const scope = join(root, "node_modules/@tessera");
  mkdirSync(join(modules, "@tessera"));
  for (const name of readdirSync(scope)) {
    // `../../packages/db` relative to the scope folder: the same place inside the copy.
    symlinkSync(resolve(join(modules, "@tessera"), readlinkSync(join(scope, name))), join(modules, "@tessera", name));
  }
  symlinkSync(join(root, "web/dist"), join(dir, "web/dist"));
  return dir;
}

export interface Bundle {
  /** The Worker's main module, as `wrangler deploy` bundles it. */
  path: string;
  /** The upload itself (multipart: metadata and modules), for `wrangler check startup`. */
  uploadPath: string;
  bytes: number;
  gzipBytes: number;
}

/** `wrangler deploy --dry-run`: the exact bundle a deploy would upload (esbuild, nodejs_compat). */
export function buildWorker(sourceDir: string, outDir: string): Bundle {
  const uploadPath = `${outDir}.upload`;
  wrangler(sourceDir, ["deploy", "--dry-run", "--outdir", outDir, "--outfile", uploadPath]);
  const main = readdirSync(outDir).find((file) => file.endsWith(".js"));
  if (!main) throw new Error(`wrangler deploy --dry-run wrote no .js file to ${outDir}`);
  const path = join(outDir, main);
  const contents = readFileSync(path);
  return { path, uploadPath, bytes: contents.byteLength, gzipBytes: gzipSync(contents).byteLength };
}

export type ReferenceName = "bare" | "floor" | "io";
const REFERENCES: ReferenceName[] = ["bare", "floor", "io"];

/** Bundles the reference Workers with the esbuild settings wrangler uses for Workers. */
export async function buildReferences(outDir: string): Promise<Record<ReferenceName, string>> {
  const paths = {} as Record<ReferenceName, string>;
  for (const name of REFERENCES) {
    const outfile = join(outDir, `${name}.js`);
    await build({
      entryPoints: [join(root, "test/load/references", `${name}.ts`)],
      outfile,
      bundle: true,
      format: "esm",
      target: "es2024",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      external: ["cloudflare:*", "node:*"],
      logLevel: "silent",
    });
    paths[name] = outfile;
  }
  return paths;
}

/** The Workers in the one workerd, by the name the scenarios use. */
export type WorkerName = "tessera" | "bare" | "bareAssets" | "floor" | "io";

export interface Harness {
  mf: Miniflare;
  /** Each Worker's own workerd socket: requests skip Miniflare's entry Worker. */
  urls: Record<WorkerName, string>;
  /** From `new Miniflare()` to every Worker accepting requests. */
  readyMs: number;
  /** A Worker's DevTools WebSocket (only when started with `inspect`). */
  inspectorUrl(worker: WorkerName): Promise<string>;
  logs: LogSink;
  secrets: Record<string, string>;
  dispose(): Promise<void>;
}

/** Counts what the Workers log (a line per request) and keeps the warnings and errors. */
export class LogSink {
  lines = 0;
  readonly problems: string[] = [];

  handle = (log: WorkerdStructuredLog) => {
    this.lines++;
    if ((log.level === "error" || log.level === "warn") && this.problems.length < 200) {
      this.problems.push(`${log.level}: ${log.message.slice(0, 500)}`);
    }
  };
}

/** One bundled ES module, named by its file name (a name outside `modulesRoot` would start with `..`). */
const moduleOf = (path: string) => ({
  modulesRoot: dirname(path),
  modules: [{ type: "ESModule" as const, path, contents: readFileSync(path, "utf8") }],
});

/**
 * Starts one workerd holding Tessera (with every binding of wrangler.toml, secrets from
 * .dev.vars.example) and the reference Workers, each on a socket of its own.
 */
export async function startHarness(options: {
  /** The tree the bundle was built from: its wrangler.toml, migrations and .dev.vars.example. */
  sourceDir: string;
  bundle: Bundle;
  references: Record<ReferenceName, string>;
  persistDir: string;
  /** Opens workerd's inspector for every Worker, to record CPU profiles. */
  inspect?: boolean;
  /** `[vars]` to set over wrangler.toml's (`CODE_LEDGER_LAYOUT`, `RISK_GATES=off` to measure without the risk gates). */
  vars?: Record<string, string>;
}): Promise<Harness> {
  const configPath = join(options.sourceDir, "wrangler.toml");
  const config = unstable_readConfig({ config: configPath });
  // The committed example, never a developer's .dev.vars, so every run sees the same secrets.
  const secrets = readDevVars(join(options.sourceDir, ".dev.vars.example"));
  const vars = Object.fromEntries(Object.entries(config.vars).map(([key, value]) => [key, String(value)]));
  // wrangler.toml's bindings, queues, Durable Objects (SQLite), assets and SELF, as wrangler dev
  // would pass them; `modulesRules` only matters when Miniflare itself collects modules.
  // (Quietly: it would announce the developer's .dev.vars, which the bindings below replace.)
  process.env.WRANGLER_LOG ??= "error";
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath);
  const { modulesRules: _rules, ...fromConfig } = workerOptions;

  const own = {
    unsafeDirectSockets: [{ host: LOCALHOST, port: 0 }],
    ...(options.inspect ? { unsafeInspectorProxy: true } : {}),
  };
  const compatibility = {
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags,
  };
  const workers: Record<WorkerName, V4WorkerOptions> = {
    tessera: {
      ...fromConfig,
      name: config.name ?? "tessera",
      ...moduleOf(options.bundle.path),
      bindings: { ...vars, ...options.vars, ...secrets },
      ...own,
    },
    bare: { name: "ref-bare", ...compatibility, ...moduleOf(options.references.bare), ...own },
    // The same route behind the static-assets router, as Tessera's /v1 routes are: what that hop costs.
    bareAssets: {
      name: "ref-bare-assets",
      ...compatibility,
      ...moduleOf(options.references.bare),
      assets: {
        directory: join(root, "web/dist"),
        run_worker_first: true,
        routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: true },
      },
      ...own,
    },
    floor: {
      name: "ref-floor",
      ...compatibility,
      ...moduleOf(options.references.floor),
      durableObjects: { FLOOR: { className: "Floor", useSQLite: true } },
      queueProducers: { OUTBOX: { queueName: "ref-queue" } },
      ...own,
    },
    io: {
      name: "ref-io",
      ...compatibility,
      ...moduleOf(options.references.io),
      d1Databases: { REF_DB: "ref-db" },
      queueProducers: { REF_QUEUE: { queueName: "ref-queue" } },
      queueConsumers: { "ref-queue": { maxBatchSize: 100, maxBatchTimeout: 1 } },
      ...own,
    },
  };
  const names = Object.keys(workers) as WorkerName[];
  const nameOf = (worker: WorkerName) => workers[worker].name ?? worker;

  const logs = new LogSink();
  const started = performance.now();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: names.map((name) => workers[name]),
      host: LOCALHOST,
      port: 0,
      resourcePersistencePath: options.persistDir,
      logRequests: false,
      handleStructuredLogs: logs.handle,
      ...(options.inspect ? { inspectorPort: 0, inspectorHost: LOCALHOST } : {}),
    }),
  );
  try {
    await mf.ready;
    const readyMs = performance.now() - started;
    const urls = {} as Record<WorkerName, string>;
    for (const name of names) urls[name] = (await mf.unsafeGetDirectURL(nameOf(name))).href.replace(/\/$/, "");
    const migrations = join(options.sourceDir, config.d1_databases[0]?.migrations_dir ?? "migrations");
    await applyMigrations(mf, nameOf("tessera"), migrations);
    const refDb = await mf.getD1Database("REF_DB", nameOf("io"));
    await refDb.exec("CREATE TABLE IF NOT EXISTS writes (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
    const inspectorUrl = async (worker: WorkerName) => {
      const listUrl = new URL("/json/list", (await mf.getInspectorURL()).href.replace(/^ws/, "http"));
      const list = (await (await fetch(listUrl)).json()) as { webSocketDebuggerUrl: string }[];
      const target = list.find((entry) => entry.webSocketDebuggerUrl.endsWith(`/${nameOf(worker)}`));
      if (!target) throw new Error(`no inspector target for ${nameOf(worker)} in ${JSON.stringify(list)}`);
      return target.webSocketDebuggerUrl;
    };
    return { mf, urls, readyMs, inspectorUrl, logs, secrets, dispose: () => mf.dispose() };
  } catch (error) {
    await mf.dispose();
    throw error;
  }
}

/** The SQL files `wrangler d1 migrations apply` would run, in order, each as one batch. */
async function applyMigrations(mf: Miniflare, workerName: string, folder: string) {
  const db = await mf.getD1Database("DB", workerName);
  const files = readdirSync(folder)
    .filter((file) => file.endsWith(".sql") && statSync(join(folder, file)).isFile())
    .sort();
  for (const file of files) {
    const statements = unstable_splitSqlQuery(readFileSync(join(folder, file), "utf8"))
      .map((sql) => sql.trim())
      .filter(Boolean);
    await db.batch(statements.map((sql) => db.prepare(sql)));
  }
}
