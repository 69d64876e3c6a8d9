// `npm run bench`: builds the Worker, starts it in workerd beside the reference Workers, sets up
// a merchant through the API, runs every scenario from a separate load-generator process, and
// prints one table (optionally written as JSON and compared with an earlier run).
import { execFileSync, fork } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildWeb, root } from "../../scripts/dev-server.mjs";
import { measureCpu, waitForQuiet } from "./cpu.ts";
import { Api, buildFixture, type Fixture } from "./fixture.ts";
import { buildReferences, buildWorker, extractCommit, type Harness, startHarness, type WorkerName } from "./harness.ts";
import type { LoadResult, Plan, RequestSpec } from "./loadgen.ts";
import { type CpuProfile, selfTimes, sourceLocator, startProfiling, timeByOwnFile } from "./profile.ts";
import {
  compareRuns,
  markdownTable,
  printTable,
  type Report,
  type ScenarioResult,
  summaryLines,
  targetsOf,
  verdicts,
} from "./report.ts";
import { profileStartup } from "./startup.ts";

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, "results");

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "8" },
    warmup: { type: "string", default: "1" },
    concurrency: { type: "string", default: "16" },
    codes: { type: "string", default: "6000" },
    "import-lines": { type: "string", default: "100000" },
    only: { type: "string" },
    json: { type: "string" },
    compare: { type: "string" },
    profile: { type: "string" },
    "quiet-wait": { type: "string", default: "5" },
    at: { type: "string" },
    "ledger-layout": { type: "string" },
    keep: { type: "boolean", default: false },
    "risk-gates": { type: "string", default: "on" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (args.help) {
  console.log(`npm run bench -- [options]
  --duration <s>       measured seconds per scenario (default 8)
  --warmup <s>         unmeasured seconds before each scenario (default 1)
  --concurrency <n>    requests (or checkout flows) in flight (default 16)
  --codes <n>          single-use voucher codes bought for verification and redemption (default 6000)
  --import-lines <n>   card secrets in the stock import (default 100000)
  --only <ids>         comma-separated scenario ids to run (references always run)
  --json <file>        also write the results to <file>
  --compare <file>     print the change against an earlier --json file
  --at <git-ref>       measure that commit (extracted with git archive) instead of the working tree
  --quiet-wait <s>     before each scenario, wait up to this long for other processes to use < 25% CPU (default 5)
  --profile <id>       record a CPU profile of the Worker serving scenario <id> (slows it down)
  --ledger-layout <l>  CODE_LEDGER_LAYOUT for the run: code or shard (default: wrangler.toml's)
  --keep               keep the temporary build and state directory
  --risk-gates <on|off> run with the synchronous risk gates (default on) or without (RISK_GATES=off)`);
  process.exit(0);
}

if (args["risk-gates"] !== "on" && args["risk-gates"] !== "off") {
  console.error("--risk-gates takes on or off");
  process.exit(2);
}
const durationMs = Number(args.duration) * 1000;
const warmupMs = Number(args.warmup) * 1000;
const concurrency = Number(args.concurrency);
const only = args.only ? new Set(args.only.split(",").map((id) => id.trim())) : null;
const log = (line: string) => console.log(`[bench] ${line}`);

/** Forks the load generator, hands it one plan and waits for its figures and its exit. */
function load(plan: Plan): Promise<LoadResult> {
  return new Promise((resolveResult, reject) => {
    const child = fork(join(here, "loadgen.ts"), [], { execArgv: ["--import", "tsx"], stdio: "inherit" });
    let result: LoadResult | undefined;
    child.once("message", (message: { ok: boolean; result?: LoadResult; error?: string }) => {
      if (message.ok && message.result) result = message.result;
      else reject(new Error(`load generator failed: ${message.error}`));
    });
    // Waiting for the exit lets its CPU time count as ours (see cpu.ts).
    child.once("exit", (code) => {
      if (code === 0 && result) resolveResult(result);
      else reject(new Error(`load generator exited with ${code}`));
    });
    child.send(plan);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until D1's read models stop changing (the events and fulfilment queues have drained),
 * so one scenario's background work does not land in the next one's figures.
 * Returns how long that took, less the quiet second it waits to be sure.
 */
async function settle(harness: Harness, timeoutMs = 90_000): Promise<number> {
  const db = await harness.mf.getD1Database("DB", "tessera");
  const started = performance.now();
  let last = "";
  let changedAt = started;
  while (performance.now() - started < timeoutMs) {
    const row = await db
      .prepare(
        `SELECT (SELECT count(*) FROM codes) AS codes, (SELECT total(version) FROM codes) AS versions,
                (SELECT count(*) FROM redemptions) AS redemptions,
                (SELECT count(*) FROM orders WHERE status = 'fulfilled') AS fulfilled,
                (SELECT total(stock_version) FROM skus) AS stock`,
      )
      .first();
    const key = JSON.stringify(row);
    if (key !== last) {
      last = key;
      changedAt = performance.now();
    } else if (performance.now() - changedAt >= 1_000) {
      return changedAt - started;
    }
    await sleep(100);
  }
  log(`read models still changing after ${timeoutMs / 1000} s`);
  return timeoutMs;
}

interface ScenarioDef {
  id: string;
  name: string;
  group: "reference" | "api";
  unit: "req/s" | "orders/s" | "lines/s";
  /** What the scenario measures, one line for the JSON and the README. */
  about: string;
  /** The Worker that serves it (the one a profile records). */
  worker: WorkerName;
  plan: () => Plan;
  /** Turns the raw result into the reported throughput, when the unit is not a request. */
  adapt?: (result: LoadResult) => Partial<ScenarioResult>;
  after?: "settle";
  /** Another scenario whose state this one uses (run with it under --only). */
  needs?: string;
}

/** The flash-sale scenarios: the same sale over this many shards each. */
const FLASH_SHARDS = [1, 4, 8];
const FLASH_QUOTA = 8_000;

/** Every scenario, in the order they run (checked against `scenarios()` at start). */
const SCENARIO_IDS = [
  "bare",
  "bare-assets",
  "floor-new",
  "floor-warm8",
  "floor-one",
  "floor-one-outbox",
  "d1-insert",
  "queue-send",
  "healthz",
  "catalog",
  "verify",
  "redeem",
  "redeem-nokey",
  "redeem-one-code",
  "checkout",
  "import-100k",
  "checkout-100k",
  ...FLASH_SHARDS.map((shards) => `flash-sale-${shards}`),
];

function scenarios(harness: Harness, fixture: Fixture, importLines: number): ScenarioDef[] {
  const base = { concurrency, warmupMs, durationMs };
  const get = (path: string): RequestSpec[] => [{ method: "GET", path }];
  // One partner behind one egress IP, as a chain of stores calls: both look-up gates count it.
  const partner = { authorization: `Bearer ${fixture.partnerKey}`, "cf-connecting-ip": "198.51.100.10" };
  // Verification reads the first half of the codes; each redemption scenario uses up its own quarter.
  const quarter = Math.floor(fixture.codes.length / 4);
  const verifySpecs = fixture.codes.slice(0, quarter * 2).map((code) => ({
    method: "POST" as const,
    path: "/v1/partner/verifications",
    headers: partner,
    body: JSON.stringify({ code }),
  }));
  const redeemSpecs = (codes: string[]) =>
    codes.map((code) => ({
      method: "POST" as const,
      path: "/v1/partner/redemptions",
      headers: partner,
      body: JSON.stringify({ code, location: "store-1" }),
    }));
  const csv = `code,secret\n${Array.from({ length: importLines }, (_, i) => `TOPUP-${fixture.slug}-${i.toString(36).padStart(6, "0")},${(i * 7919).toString(36).padStart(8, "x")}`).join("\n")}\n`;

  return [
    {
      id: "bare",
      worker: "bare",
      name: "reference: bare Hono route",
      group: "reference",
      unit: "req/s",
      about: "GET answering JSON from a Worker holding one Hono route: the HTTP ceiling",
      plan: () => ({
        ...base,
        name: "bare",
        kind: "requests",
        baseUrl: harness.urls.bare,
        specs: get("/"),
        expect: [200],
      }),
    },
    {
      id: "bare-assets",
      worker: "bareAssets",
      name: "reference: the same behind the assets router",
      group: "reference",
      unit: "req/s",
      about: "the bare route in a Worker with static assets and run_worker_first, as Tessera is deployed",
      plan: () => ({
        ...base,
        name: "bare-assets",
        kind: "requests",
        baseUrl: harness.urls.bareAssets,
        specs: get("/"),
        expect: [200],
      }),
    },
    {
      id: "floor-new",
      worker: "floor",
      name: "reference: DO RPC + SQLite write, new object",
      group: "reference",
      unit: "req/s",
      about: "one Durable Object RPC making one SQLite insert, on a new object each request",
      plan: () => ({
        ...base,
        name: "floor-new",
        kind: "requests",
        baseUrl: harness.urls.floor,
        specs: get("/new"),
        expect: [200],
      }),
    },
    {
      id: "floor-warm8",
      worker: "floor",
      name: "reference: DO RPC + SQLite write, 8 warm objects",
      group: "reference",
      unit: "req/s",
      about: "the same RPC and insert, spread over eight objects that stay in memory",
      plan: () => ({
        ...base,
        name: "floor-warm8",
        kind: "requests",
        baseUrl: harness.urls.floor,
        specs: get("/warm"),
        expect: [200],
      }),
    },
    {
      id: "floor-one",
      worker: "floor",
      name: "reference: DO RPC + SQLite write, 1 object",
      group: "reference",
      unit: "req/s",
      about: "the same RPC and insert, always on the same object (the floor for contention on one code)",
      plan: () => ({
        ...base,
        name: "floor-one",
        kind: "requests",
        baseUrl: harness.urls.floor,
        specs: get("/one"),
        expect: [200],
      }),
    },
    {
      id: "floor-one-outbox",
      worker: "floor",
      name: "reference: 1 object, write + outbox pattern",
      group: "reference",
      unit: "req/s",
      about:
        "the 1-object write done as Tessera's objects do it: row + outbox row in a transaction, setAlarm, then queue send, delete, deleteAlarm",
      plan: () => ({
        ...base,
        name: "floor-one-outbox",
        kind: "requests",
        baseUrl: harness.urls.floor,
        specs: get("/one?outbox"),
        expect: [200],
      }),
    },
    {
      id: "d1-insert",
      worker: "io",
      name: "reference: one D1 insert",
      group: "reference",
      unit: "req/s",
      about: "one D1 INSERT per request",
      plan: () => ({
        ...base,
        name: "d1-insert",
        kind: "requests",
        baseUrl: harness.urls.io,
        specs: get("/d1"),
        expect: [200],
      }),
    },
    {
      id: "queue-send",
      worker: "io",
      name: "reference: one queue send",
      group: "reference",
      unit: "req/s",
      about: "one Queue send per request (a consumer acknowledges them)",
      plan: () => ({
        ...base,
        name: "queue-send",
        kind: "requests",
        baseUrl: harness.urls.io,
        specs: get("/queue"),
        expect: [200],
      }),
    },
    {
      id: "healthz",
      worker: "tessera",
      name: "tessera GET /healthz",
      group: "api",
      unit: "req/s",
      about: "Tessera's own ceiling: asset router, Hono app, init middleware (config, services, log line), no storage",
      plan: () => ({
        ...base,
        name: "healthz",
        kind: "requests",
        baseUrl: harness.urls.tessera,
        specs: get("/healthz"),
        expect: [200],
      }),
    },
    {
      id: "catalog",
      worker: "tessera",
      name: "shop catalog read",
      group: "api",
      unit: "req/s",
      about: `GET /v1/shops/{shop}/products, ${fixture.products} products, first page of 20`,
      plan: () => ({
        ...base,
        name: "catalog",
        kind: "requests",
        baseUrl: harness.urls.tessera,
        specs: get(`/v1/shops/${fixture.slug}/products`),
        expect: [200],
      }),
    },
    {
      id: "verify",
      worker: "tessera",
      name: "partner verification, distinct codes",
      group: "api",
      unit: "req/s",
      about: `POST /v1/partner/verifications, each request the next of ${verifySpecs.length} codes (wrapping)`,
      plan: () => ({
        ...base,
        name: "verify",
        kind: "requests",
        baseUrl: harness.urls.tessera,
        specs: verifySpecs,
        expect: [200],
      }),
    },
    {
      id: "redeem",
      worker: "tessera",
      name: "partner redemption, distinct codes",
      group: "api",
      unit: "req/s",
      about: `POST /v1/partner/redemptions with an Idempotency-Key (as documented), each request a different single-use code (${quarter} available)`,
      plan: () => ({
        ...base,
        name: "redeem",
        kind: "requests",
        baseUrl: harness.urls.tessera,
        specs: redeemSpecs(fixture.codes.slice(quarter * 2, quarter * 3)),
        exhaust: true,
        idempotencyKeys: true,
        expect: [201],
      }),
      after: "settle",
    },
    {
      id: "redeem-nokey",
      worker: "tessera",
      name: "partner redemption, distinct codes, no Idempotency-Key",
      group: "api",
      unit: "req/s",
      about: "the same without an Idempotency-Key: what the D1 idempotency layer costs",
      plan: () => ({
        ...base,
        name: "redeem-nokey",
        kind: "requests",
        baseUrl: harness.urls.tessera,
        specs: redeemSpecs(fixture.codes.slice(quarter * 3, quarter * 4)),
        exhaust: true,
        expect: [201],
      }),
      after: "settle",
    },
    {
      id: "redeem-one-code",
      worker: "tessera",
      name: "redemption contention, one code",
      group: "api",
      unit: "req/s",
      about: "every request redeems the same 10,000-use code, with an Idempotency-Key",
      plan: () => ({
        ...base,
        name: "redeem-one-code",
        kind: "requests",
        baseUrl: harness.urls.tessera,
        specs: redeemSpecs(Array.from({ length: 10_000 }, () => fixture.manyUseCode)),
        exhaust: true,
        idempotencyKeys: true,
        expect: [201],
      }),
      after: "settle",
    },
    {
      id: "checkout",
      worker: "tessera",
      name: "checkout end to end",
      group: "api",
      unit: "orders/s",
      about:
        "create order (1 card secret) + POST /v1/sandbox/payments/{id}/complete + poll the order every 10 ms until fulfilled with codes",
      plan: () => ({
        ...base,
        name: "checkout",
        kind: "checkout",
        baseUrl: harness.urls.tessera,
        shop: fixture.slug,
        skuId: fixture.checkoutSkuId,
        pollMs: 10,
      }),
      after: "settle",
    },
    {
      id: "import-100k",
      worker: "tessera",
      name: `stock import, ${importLines.toLocaleString("en")} card secrets (CSV)`,
      group: "api",
      unit: "lines/s",
      about: `one POST /v1/admin/skus/{skuId}/stock with a ${(csv.length / 1e6).toFixed(1)} MB CSV body`,
      plan: () => ({
        name: "import-100k",
        kind: "requests",
        baseUrl: harness.urls.tessera,
        concurrency: 1,
        warmupMs: 0,
        durationMs: 600_000,
        exhaust: true,
        specs: [
          {
            method: "POST",
            path: `/v1/admin/skus/${fixture.importSkuId}/stock`,
            headers: { authorization: `Bearer ${fixture.adminKey}`, "content-type": "text/csv" },
            body: csv,
          },
        ],
        expect: [200],
      }),
      adapt: (result) => ({
        throughput: result.completed ? importLines / (result.latency.max / 1000) : 0,
        note: result.completed
          ? `total ${(result.latency.max / 1000).toFixed(1)} s for ${importLines.toLocaleString("en")} lines`
          : `failed: ${JSON.stringify(result.errorKinds)}`,
      }),
      after: "settle",
    },
    {
      id: "checkout-100k",
      needs: "import-100k",
      worker: "tessera",
      name: `checkout end to end, SKU holding ${importLines.toLocaleString("en")} units`,
      group: "api",
      unit: "orders/s",
      about: "the same checkout, buying from the SKU the import just filled: what the stock size costs",
      plan: () => ({
        ...base,
        name: "checkout-100k",
        kind: "checkout",
        baseUrl: harness.urls.tessera,
        shop: fixture.slug,
        skuId: fixture.importSkuId,
        pollMs: 10,
      }),
      after: "settle",
    },
    ...FLASH_SHARDS.map((shards): ScenarioDef => {
      const sale = () => {
        const found = fixture.flashSales.find((candidate) => candidate.shards === shards);
        if (!found) throw new Error(`the fixture holds no flash sale over ${shards} shards`);
        return found;
      };
      return {
        id: `flash-sale-${shards}`,
        worker: "tessera",
        name: `flash sale, ${shards} shard${shards === 1 ? "" : "s"}`,
        group: "api",
        unit: "orders/s",
        about: `POST /v1/shops/{shop}/orders for 1 unit of an open flash sale of ${FLASH_QUOTA.toLocaleString("en")} card secrets over ${shards} StockShard${shards === 1 ? "" : "s"}, a new buyer each order (limit 1 per customer); every order reserves`,
        plan: () => ({
          ...base,
          name: `flash-sale-${shards}`,
          kind: "requests",
          baseUrl: harness.urls.tessera,
          specs: Array.from({ length: sale().quota }, (_, i) => ({
            method: "POST" as const,
            path: `/v1/shops/${fixture.slug}/orders`,
            body: JSON.stringify({
              email: `flash${shards}-${i}@bench.test`,
              items: [{ skuId: sale().skuId, quantity: 1 }],
            }),
          })),
          exhaust: true,
          expect: [201],
        }),
        after: "settle",
      };
    }),
  ];
}

function gitState(at: string | undefined) {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", at ?? "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    if (at) return { commit, dirty: false };
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "workers", "packages", "migrations"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    return { commit, dirty: dirty.length > 0 };
  } catch {
    return { commit: "unknown", dirty: false };
  }
}

const versionOf = (pkg: string) => {
  try {
    return (JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return "unknown";
  }
};

/** Writes the profile for DevTools and prints where the Worker spent its time. */
function saveProfile(id: string, profile: CpuProfile, bundlePath: string | null, sourceDir: string) {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `profile-${id}-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const locate = bundlePath ? sourceLocator(bundlePath, sourceDir) : null;
  const bundleName = bundlePath ? basename(bundlePath) : "";
  const times = locate ? selfTimes(profile, { locate, bundleName }) : selfTimes(profile);
  const busy = times.totalMs - (times.byFunction.get("(idle)") ?? 0);
  const share = (ms: number) => `${ms.toFixed(1).padStart(8)} ms  ${((ms / busy) * 100).toFixed(1).padStart(5)}%`;
  log(`profile of ${id}: ${busy.toFixed(0)} ms busy of ${times.totalMs.toFixed(0)} ms sampled, written to ${file}`);
  log("self time by function:");
  for (const { fn, ms } of times.top(25)) log(`  ${share(ms)}  ${fn}`);
  if (locate) {
    log("time by our source file (the nearest workers/ or packages/ frame on the stack):");
    for (const { file: source, ms } of timeByOwnFile(profile, locate, bundleName).slice(0, 15)) {
      log(`  ${share(ms)}  ${source}`);
    }
  }
}

async function main() {
  const unknown = [...(only ?? [])].filter((id) => !SCENARIO_IDS.includes(id));
  if (unknown.length > 0)
    throw new Error(`--only: no scenario ${unknown.join(", ")} (ids: ${SCENARIO_IDS.join(", ")})`);
  const work = mkdtempSync(join(tmpdir(), "tessera-bench-"));
  let harness: Harness | undefined;
  try {
    if (!existsSync(join(root, "web/dist/index.html"))) {
      log("building web/ (the Worker's assets)…");
      buildWeb({ quiet: true });
    }
    const sourceDir = args.at ? extractCommit(args.at, join(work, "source")) : root;
    log(
      `building the Worker from ${args.at ? `commit ${args.at}` : "the working tree"} (wrangler deploy --dry-run) and the reference Workers…`,
    );
    const bundle = buildWorker(sourceDir, join(work, "bundle"));
    const references = await buildReferences(join(work, "references"));
    log(`bundle ${(bundle.bytes / 1024).toFixed(0)} KiB, gzip ${(bundle.gzipBytes / 1024).toFixed(0)} KiB`);
    log("profiling the Worker's start-up (wrangler check startup)…");
    const startupProfile = profileStartup(sourceDir, bundle, join(work, "startup"));

    log(`starting workerd through Miniflare (CODE_LEDGER_LAYOUT ${args["ledger-layout"] ?? "from wrangler.toml"})…`);
    harness = await startHarness({
      sourceDir,
      bundle,
      references,
      persistDir: join(work, "state"),
      inspect: Boolean(args.profile),
      vars: {
        RISK_GATES: args["risk-gates"] as string,
        ...(args["ledger-layout"] ? { CODE_LEDGER_LAYOUT: args["ledger-layout"] } : {}),
      },
    });
    log(`risk gates ${args["risk-gates"]}`);
    const api = new Api(harness.urls.tessera);
    const firstStarted = performance.now();
    await api.expect(200, "GET", "/healthz");
    const firstRequestMs = performance.now() - firstStarted;
    const secondStarted = performance.now();
    await api.expect(200, "GET", "/healthz");
    const secondRequestMs = performance.now() - secondStarted;
    log(
      `ready in ${harness.readyMs.toFixed(0)} ms; first request ${firstRequestMs.toFixed(1)} ms, second ${secondRequestMs.toFixed(1)} ms`,
    );

    const operatorKey = harness.secrets.OPERATOR_API_KEY;
    if (!operatorKey) throw new Error(".dev.vars.example has no OPERATOR_API_KEY");
    const fixture = await buildFixture(api, {
      operatorKey,
      codes: Number(args.codes),
      checkoutStock: 5_000,
      fillerProducts: 16,
      flashQuota: FLASH_QUOTA,
      // Only the sales a selected scenario sells (a commit measured with --at may predate them).
      flashShards: FLASH_SHARDS.filter((shards) => !only || only.has(`flash-sale-${shards}`)),
      log,
    });
    const setupDrainMs = await settle(harness);
    log(
      `fixture ready in ${(fixture.setupMs / 1000).toFixed(1)} s (+${(setupDrainMs / 1000).toFixed(1)} s for the read models)`,
    );

    const results: ScenarioResult[] = [];
    const defs = scenarios(harness, fixture, Number(args["import-lines"]));
    if (defs.map((def) => def.id).join() !== SCENARIO_IDS.join()) throw new Error("SCENARIO_IDS is out of date");
    for (const def of defs) if (only?.has(def.id) && def.needs) only.add(def.needs);
    for (const def of defs) {
      if (only && def.group !== "reference" && !only.has(def.id)) continue;
      log(`${def.id}: ${def.about}`);
      const plan = def.plan();
      const quiet = await waitForQuiet(Number(args["quiet-wait"]) * 1000, 0.25);
      if (quiet.foreign !== null && quiet.foreign >= 0.25) {
        log(`  the machine is busy (other processes at ${(quiet.foreign * 100).toFixed(0)}% CPU); measuring anyway`);
      }
      const stopProfiling =
        args.profile === def.id ? await startProfiling(await harness.inspectorUrl(def.worker)) : null;
      const cpu = measureCpu();
      const raw = await load(plan);
      const share = cpu();
      if (stopProfiling) {
        saveProfile(def.id, await stopProfiling(), def.worker === "tessera" ? bundle.path : null, sourceDir);
      }
      const result: ScenarioResult = {
        id: def.id,
        name: def.name,
        group: def.group,
        unit: def.unit,
        about: def.about,
        throughput: raw.throughput,
        p50: raw.latency.p50,
        p99: raw.latency.p99,
        errors: raw.errors,
        errorKinds: raw.errorKinds,
        completed: raw.completed,
        windowMs: raw.windowMs,
        latency: raw.latency,
        ...(raw.delay ? { delay: raw.delay, requestsPerFlow: raw.requestsPerFlow } : {}),
        ...def.adapt?.(raw),
        ...(share ? { cpuForeign: share.foreign, cpuOurs: share.ours } : {}),
        // The CPU our processes spent per completed request: moves far less with other load than throughput does.
        ...(share && raw.completed > 0
          ? { cpuMsPerRequest: (share.ours * cpus().length * raw.windowMs) / raw.completed }
          : {}),
        ...(args.profile === def.id ? { profiled: true } : {}),
      };
      if (def.after === "settle") result.drainMs = await settle(harness);
      results.push(result);
      log(
        `  ${result.throughput.toFixed(0)} ${def.unit}, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, errors ${result.errors}` +
          (result.drainMs !== undefined ? `, read models caught up ${(result.drainMs / 1000).toFixed(1)} s later` : ""),
      );
    }

    const report: Report = {
      version: 1,
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "unknown",
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.versions.node,
        workerd: versionOf("workerd"),
        miniflare: versionOf("miniflare"),
        wrangler: versionOf("wrangler"),
      },
      git: gitState(args.at),
      options: {
        durationMs,
        warmupMs,
        concurrency,
        codes: fixture.codes.length,
        importLines: Number(args["import-lines"]),
        ledgerLayout: args["ledger-layout"] ?? null,
      },
      bundle: { bytes: bundle.bytes, gzipBytes: bundle.gzipBytes },
      startup: {
        miniflareReadyMs: harness.readyMs,
        firstRequestMs,
        secondRequestMs,
        ...startupProfile,
      },
      fixture: {
        setupMs: fixture.setupMs,
        drainMs: setupDrainMs,
        codes: fixture.codes.length,
        products: fixture.products,
      },
      scenarios: results,
      targets: [],
      workerLog: { lines: harness.logs.lines, problems: harness.logs.problems.length },
    };
    report.targets = targetsOf(report);
    printTable(report);

    mkdirSync(resultsDir, { recursive: true });
    const stamp = report.date.replace(/[:.]/g, "-");
    const saved = join(resultsDir, `bench-${stamp}.json`);
    writeFileSync(saved, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(
      join(resultsDir, `bench-${stamp}.md`),
      `${markdownTable(report)}\n\n${[...summaryLines(report), ...verdicts(report)].map((line) => `- ${line}`).join("\n")}\n`,
    );
    writeFileSync(join(resultsDir, `worker-problems-${stamp}.log`), `${harness.logs.problems.join("\n")}\n`);
    log(`results written to ${saved}`);
    if (args.json) {
      writeFileSync(resolve(args.json), `${JSON.stringify(report, null, 2)}\n`);
      log(`results written to ${resolve(args.json)}`);
    }
    if (args.compare) compareRuns(JSON.parse(readFileSync(resolve(args.compare), "utf8")) as Report, report);
  } catch (error) {
    const problems = harness?.logs.problems.slice(-10) ?? [];
    if (problems.length > 0) console.error(`The Worker's last warnings and errors:\n${problems.join("\n")}`);
    throw error;
  } finally {
    await harness?.dispose();
    if (args.keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
