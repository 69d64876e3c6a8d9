// How busy the machine was with work that is not ours while a scenario ran. The benchmark
// shares its cores with whatever else runs (other test suites, builds); a figure measured
// while another process took half the CPU is not comparable, so each one carries this share.
import { readdirSync, readFileSync } from "node:fs";

interface Snapshot {
  /** Busy clock ticks of the whole machine (/proc/stat, all but idle and iowait). */
  busy: number;
  total: number;
  /** Clock ticks used by this process, its reaped children, and each live descendant. */
  own: number;
  descendants: Map<number, number>;
}

function processTicks(pid: number | "self"): { ticks: number; reaped: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: split after its closing one.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const num = (i: number) => Number(fields[i - 3]);
    return { ppid: num(4), ticks: num(14) + num(15), reaped: num(16) + num(17) };
  } catch {
    return null;
  }
}

function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const info = processTicks(pid);
    if (!info) continue;
    const list = children.get(info.ppid) ?? [];
    list.push(pid);
    children.set(info.ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop() as number) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function snapshot(): Snapshot | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const [, ...values] = line.trim().split(/\s+/);
    const ticks = values.map(Number);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const self = processTicks("self");
    if (!self) return null;
    const descendants = new Map<number, number>();
    for (const pid of descendantsOf(process.pid)) {
      const info = processTicks(pid);
      if (info) descendants.set(pid, info.ticks);
    }
    return { busy: total - idle, total, own: self.ticks + self.reaped, descendants };
  } catch {
    return null;
  }
}

export interface CpuShare {
  /** Share of all cores used by other processes (0–1). */
  foreign: number;
  /** Share of all cores used by the harness, workerd and the load generator (0–1). */
  ours: number;
}

/**
 * Starts measuring; the returned function ends it. Children that exit in between must have
 * been waited for, so their time shows in this process's reaped-children ticks.
 */
export function measureCpu(): () => CpuShare | null {
  const before = snapshot();
  return () => {
    const after = snapshot();
    if (!before || !after) return null;
    let ours = after.own - before.own;
    for (const [pid, ticks] of after.descendants) ours += ticks - (before.descendants.get(pid) ?? 0);
    const elapsed = after.total - before.total;
    if (elapsed <= 0) return null;
    const busy = after.busy - before.busy;
    // /proc/stat sums every core's ticks and per-process ticks are CPU time: the same unit.
    return { foreign: Math.max(0, (busy - ours) / elapsed), ours: Math.min(1, ours / elapsed) };
  };
}

/**
 * Waits, up to `maxMs`, for a second in which other processes used less than `threshold` of
 * the machine, so a scenario does not start in the middle of someone else's test run.
 * Returns how long it waited and the last share seen.
 */
export async function waitForQuiet(
  maxMs: number,
  threshold: number,
): Promise<{ waitedMs: number; foreign: number | null }> {
  const started = performance.now();
  let foreign: number | null = null;
  while (performance.now() - started < maxMs) {
    const measure = measureCpu();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    foreign = measure()?.foreign ?? null;
    if (foreign === null || foreign < threshold) break;
  }
  return { waitedMs: performance.now() - started, foreign };
}
