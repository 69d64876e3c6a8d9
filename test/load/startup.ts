// The Worker's start-up cost, as Cloudflare counts it (parsing and running the global scope):
// `wrangler check startup` loads the built upload in workerd under the profiler; we read the
// CPU profiles it writes. The profiler samples about every 3 ms, so we take the median of a few.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { wrangler } from "./harness.ts";
import { type CpuProfile, selfTimes, sourceLocator } from "./profile.ts";

export interface StartupProfile {
  /** Median CPU time the isolate was busy (not idle) while loading the bundle. */
  startupCpuMs: number | null;
  startupGcMs: number | null;
  startupRunsMs: number[];
  /** Where the start-up spends its time (self time, sampled, from the median run). */
  startupTop: { fn: string; ms: number }[];
  startupError?: string;
}

export function profileStartup(
  sourceDir: string,
  bundle: { path: string; uploadPath: string },
  outPrefix: string,
  runs = 3,
): StartupProfile {
  try {
    const locate = sourceLocator(bundle.path, sourceDir);
    const bundleName = basename(bundle.path);
    const profiles: { busy: number; gc: number; top: { fn: string; ms: number }[] }[] = [];
    for (let run = 0; run < runs; run++) {
      const outfile = `${outPrefix}-${run}.cpuprofile`;
      wrangler(sourceDir, ["check", "startup", "--worker", bundle.uploadPath, "--outfile", outfile]);
      const times = selfTimes(JSON.parse(readFileSync(outfile, "utf8")) as CpuProfile, { locate, bundleName });
      profiles.push({
        busy: times.totalMs - (times.byFunction.get("(idle)") ?? 0),
        gc: times.byFunction.get("(garbage collector)") ?? 0,
        top: times.top(5),
      });
    }
    profiles.sort((a, b) => a.busy - b.busy);
    const median = profiles[Math.floor(profiles.length / 2)];
    if (!median) throw new Error("no profile");
    return {
      startupCpuMs: median.busy,
      startupGcMs: median.gc,
      startupRunsMs: profiles.map((p) => p.busy),
      startupTop: median.top,
    };
  } catch (error) {
    return {
      startupCpuMs: null,
      startupGcMs: null,
      startupRunsMs: [],
      startupTop: [],
      startupError: (error as Error).message.slice(0, 500),
    };
  }
}
