// The printed table, its JSON form, the issue's targets and the comparison with an earlier run.

import type { StartupProfile } from "./startup.ts";
import type { Summary } from "./stats.ts";

export interface ScenarioResult {
  id: string;
  name: string;
  group: "reference" | "api";
  unit: string;
  about: string;
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
  errorKinds: Record<string, number>;
  completed: number;
  windowMs: number;
  latency: Summary;
  /** Checkout: payment call returned → codes visible on the order. */
  delay?: Summary;
  requestsPerFlow?: number;
  /** How long D1's read models kept changing after the load stopped. */
  drainMs?: number;
  /** Share of the machine's CPU other processes used meanwhile (0–1): noise if high. */
  cpuForeign?: number;
  /** Share of the machine's CPU the harness, workerd and the load generator used (0–1). */
  cpuOurs?: number;
  /** A CPU profile was recorded during this scenario, which slows it. */
  profiled?: boolean;
  note?: string;
}

export interface Target {
  scenario: string;
  goal: string;
  /** Share of the floor that must be reached. */
  share: number;
  ratioFloorNew: number | null;
  ratioFloorWarm: number | null;
}

export interface Report {
  version: 1;
  date: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    workerd: string;
    miniflare: string;
    wrangler: string;
  };
  git: { commit: string; dirty: boolean };
  options: {
    durationMs: number;
    warmupMs: number;
    concurrency: number;
    codes: number;
    importLines: number;
    ledgerLayout?: string | null;
  };
  bundle: { bytes: number; gzipBytes: number };
  startup: { miniflareReadyMs: number; firstRequestMs: number; secondRequestMs: number } & StartupProfile;
  fixture: { setupMs: number; drainMs: number; codes: number; products: number };
  scenarios: ScenarioResult[];
  targets: Target[];
  workerLog: { lines: number; problems: number };
}

const reference = (report: Report, id: string) => report.scenarios.find((s) => s.id === id)?.throughput ?? null;

function ratio(report: Report, scenario: ScenarioResult, referenceId: string): number | null {
  const base = reference(report, referenceId);
  if (scenario.unit !== "req/s" || !base || scenario.id === referenceId) return null;
  return scenario.throughput / base;
}

const fmtRatio = (value: number | null) => (value === null ? "—" : `${value.toFixed(2)}×`);
const fmtMs = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const fmtInt = (value: number) => Math.round(value).toLocaleString("en");
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

/** The issue's goals: redemption at ≥ 70% of the storage floor, verification at ≥ 80%. */
export function targetsOf(report: Report): Target[] {
  const goals = [
    { scenario: "redeem", goal: "redemption ≥ 70% of the floor", share: 0.7 },
    { scenario: "verify", goal: "verification ≥ 80% of the floor", share: 0.8 },
  ];
  return goals
    .map((goal) => {
      const scenario = report.scenarios.find((s) => s.id === goal.scenario);
      if (!scenario) return null;
      return {
        ...goal,
        ratioFloorNew: ratio(report, scenario, "floor-new"),
        ratioFloorWarm: ratio(report, scenario, "floor-warm8"),
      };
    })
    .filter((target): target is Target => target !== null);
}

function rows(report: Report): string[][] {
  const out: string[][] = [];
  for (const s of report.scenarios) {
    out.push([
      `${s.name}${s.profiled ? " (profiled)" : ""}`,
      `${fmtInt(s.throughput)} ${s.unit}`,
      fmtRatio(ratio(report, s, "bare")),
      fmtRatio(ratio(report, s, "floor-new")),
      fmtRatio(ratio(report, s, "floor-warm8")),
      fmtMs(s.p50),
      fmtMs(s.p99),
      String(s.errors),
      s.cpuForeign === undefined ? "?" : `${(s.cpuForeign * 100).toFixed(0)}%`,
    ]);
    if (s.delay) {
      out.push(["  └ payment → codes visible", "", "", "", "", fmtMs(s.delay.p50), fmtMs(s.delay.p99), "", ""]);
    }
  }
  return out;
}

const HEADER = [
  "scenario",
  "throughput",
  "÷ bare",
  "÷ floor new",
  "÷ floor warm8",
  "p50 ms",
  "p99 ms",
  "errors",
  "other CPU",
];

export function verdicts(report: Report): string[] {
  return report.targets.map((t) => {
    const judge = (value: number | null) =>
      value === null ? "not measured" : `${(value * 100).toFixed(0)}% → ${value >= t.share ? "MET" : "MISSED"}`;
    return `${t.goal}: vs new-object floor ${judge(t.ratioFloorNew)}; vs 8-warm-object floor ${judge(t.ratioFloorWarm)}`;
  });
}

export function summaryLines(report: Report): string[] {
  const s = report.startup;
  const lines = [
    `Worker bundle: ${kib(report.bundle.bytes)} raw, ${kib(report.bundle.gzipBytes)} gzip`,
    `Start-up: global scope ${s.startupCpuMs === null ? `not profiled (${s.startupError ?? "?"})` : `${s.startupCpuMs.toFixed(0)} ms CPU (${(s.startupGcMs ?? 0).toFixed(0)} ms GC)`}` +
      `; Miniflare start → ready ${s.miniflareReadyMs.toFixed(0)} ms (Tessera and 4 reference Workers in one workerd)` +
      `; first request ${s.firstRequestMs.toFixed(1)} ms, second ${s.secondRequestMs.toFixed(1)} ms`,
  ];
  if (s.startupTop.length > 0) {
    lines.push(`Start-up spends most in: ${s.startupTop.map((t) => `${t.fn} ${t.ms.toFixed(1)} ms`).join("; ")}`);
  }
  const pct = (a: string, b: string) => {
    const x = reference(report, a);
    const y = reference(report, b);
    return x !== null && y ? `${((x / y) * 100).toFixed(0)}%` : null;
  };
  const comparisons: [string, string, string][] = [
    ["healthz", "bare-assets", "Tessera's /healthz runs at {} of the bare route behind the same assets router"],
    ["redeem-one-code", "floor-one", "contention on one code runs at {} of the 1-object floor"],
    [
      "redeem-one-code",
      "floor-one-outbox",
      "contention on one code runs at {} of the 1-object floor with the outbox pattern",
    ],
    ["floor-one-outbox", "floor-one", "the outbox pattern alone leaves {} of the 1-object floor"],
    ["redeem", "redeem-nokey", "redemption with an Idempotency-Key runs at {} of the same without"],
    ["checkout-100k", "checkout", "checkout from the imported SKU runs at {} of checkout from a 5,000-unit SKU"],
  ];
  for (const [a, b, text] of comparisons) {
    const value = pct(a, b);
    if (value) lines.push(text.replace("{}", value));
  }
  for (const scenario of report.scenarios) {
    if (scenario.note) lines.push(`${scenario.name}: ${scenario.note}`);
    if (scenario.requestsPerFlow) {
      lines.push(`${scenario.name}: ${scenario.requestsPerFlow.toFixed(1)} HTTP requests per order (polls included)`);
    }
    if (scenario.errors > 0) lines.push(`${scenario.name}: errors ${JSON.stringify(scenario.errorKinds)}`);
    if (scenario.drainMs !== undefined && scenario.drainMs > 1_500) {
      lines.push(
        `${scenario.name}: D1 read models caught up ${(scenario.drainMs / 1000).toFixed(1)} s after the load stopped`,
      );
    }
  }
  return lines;
}

export function printTable(report: Report): void {
  const table = [HEADER, ...rows(report)];
  const widths = HEADER.map((_, col) => Math.max(...table.map((row) => (row[col] ?? "").length)));
  const line = (row: string[]) =>
    row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join("  ");
  console.log("");
  console.log(
    `Tessera bench ${report.date} · ${report.machine.cpus} × ${report.machine.cpuModel} · ${report.git.commit}${report.git.dirty ? " (uncommitted changes)" : ""} · concurrency ${report.options.concurrency}, ${report.options.durationMs / 1000} s per scenario`,
  );
  console.log(line(HEADER));
  console.log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const row of rows(report)) console.log(line(row));
  console.log("");
  for (const text of [...summaryLines(report), ...verdicts(report)]) console.log(text);
}

/** The same table as Markdown, for the README. */
export function markdownTable(report: Report): string {
  const escapeCell = (cell: string) => cell.replaceAll("|", "\\|");
  const out = [`| ${HEADER.join(" | ")} |`, `| ${HEADER.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`];
  for (const row of rows(report)) out.push(`| ${row.map(escapeCell).join(" | ")} |`);
  return out.join("\n");
}

const change = (before: number, after: number) => {
  if (before === 0) return after === 0 ? "±0%" : "new";
  const pct = ((after - before) / before) * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(0)}%`;
};

/** Prints each scenario's change against an earlier JSON report. */
export function compareRuns(before: Report, after: Report): void {
  console.log("");
  console.log(`Compared with ${before.date} (${before.git.commit}${before.git.dirty ? ", uncommitted changes" : ""}):`);
  const options = (report: Report) => JSON.stringify({ ...report.options, codes: undefined });
  if (options(before) !== options(after)) {
    console.log(`(the runs used different options: ${options(before)} then ${options(after)})`);
  }
  const header = ["scenario", "throughput", "Δ", "p50 ms", "p99 ms", "errors"];
  const table: string[][] = [header];
  for (const now of after.scenarios) {
    const then = before.scenarios.find((s) => s.id === now.id);
    if (!then) {
      table.push([now.name, `${fmtInt(now.throughput)} (new)`, "", fmtMs(now.p50), fmtMs(now.p99), String(now.errors)]);
      continue;
    }
    table.push([
      now.name,
      `${fmtInt(then.throughput)} → ${fmtInt(now.throughput)} ${now.unit}`,
      change(then.throughput, now.throughput),
      `${fmtMs(then.p50)} → ${fmtMs(now.p50)}`,
      `${fmtMs(then.p99)} → ${fmtMs(now.p99)}`,
      `${then.errors} → ${now.errors}`,
    ]);
    if (then.delay && now.delay) {
      table.push([
        "  └ payment → codes visible",
        "",
        "",
        `${fmtMs(then.delay.p50)} → ${fmtMs(now.delay.p50)}`,
        `${fmtMs(then.delay.p99)} → ${fmtMs(now.delay.p99)}`,
        "",
      ]);
    }
  }
  table.push([
    "bundle gzip",
    `${kib(before.bundle.gzipBytes)} → ${kib(after.bundle.gzipBytes)}`,
    change(before.bundle.gzipBytes, after.bundle.gzipBytes),
    "",
    "",
    "",
  ]);
  if (before.startup.startupCpuMs !== null && after.startup.startupCpuMs !== null) {
    table.push([
      "start-up CPU",
      `${before.startup.startupCpuMs.toFixed(0)} → ${after.startup.startupCpuMs.toFixed(0)} ms`,
      change(before.startup.startupCpuMs, after.startup.startupCpuMs),
      "",
      "",
      "",
    ]);
  }
  const widths = header.map((_, col) => Math.max(...table.map((row) => (row[col] ?? "").length)));
  for (const row of table) {
    console.log(
      row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0))).join("  "),
    );
  }
}
