// CPU profiles of the Worker: reading them (self time per function, mapped back to the source
// through the bundle's source map), and recording one from workerd's inspector during a scenario.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, relative, resolve } from "node:path";

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    /** Samples by line (1-based) of the node's script. */
    positionTicks?: { line: number; ticks: number }[];
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * Self time by function. With a `locate` for the bundle (`bundleName`), functions and their
 * hottest line are named by their source position rather than their place in the bundle.
 */
export function selfTimes(
  profile: CpuProfile,
  options: { locate?: (line: number, column: number) => string | null; bundleName?: string } = {},
) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const nameOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    let name = frame.functionName;
    if (!name.startsWith("(")) {
      const inBundle = options.bundleName !== undefined && frame.url.endsWith(options.bundleName);
      const where =
        (inBundle ? options.locate?.(frame.lineNumber, frame.columnNumber) : null) ??
        `${frame.url.split("/").pop() || "native"}:${frame.lineNumber + 1}`;
      const hottest = [...(node.positionTicks ?? [])].sort((a, b) => b.ticks - a.ticks)[0];
      const hot = inBundle && hottest ? options.locate?.(hottest.line - 1, 0) : null;
      name = `${name || "(anonymous)"} ${where}${hot && hot !== where ? ` (hottest line ${hot})` : ""}`;
    }
    nameOf.set(node.id, name);
  }
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const name = byNode.has(id) ? (nameOf.get(id) ?? "?") : "?";
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  });
  return {
    totalMs,
    byFunction,
    top(n: number) {
      return [...byFunction.entries()]
        .filter(([name]) => name !== "(idle)")
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([fn, ms]) => ({ fn, ms }));
    },
  };
}

/**
 * Sample time by our own source file: each sample goes to the nearest frame on its stack that
 * is in `workers/` or `packages/` (so library and runtime time counts for the code that called
 * it). Stacks cut by an `await` end at the root, so this is a lower bound per file.
 */
export function timeByOwnFile(
  profile: CpuProfile,
  locate: (line: number, column: number) => string | null,
  bundleName: string,
): { file: string; ms: number }[] {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const owner = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const known = owner.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    let result = "(no code of ours on the stack)";
    if (node?.callFrame.functionName === "(idle)") result = "(idle)";
    else if (node) {
      const frame = node.callFrame;
      const where = frame.url.endsWith(bundleName) ? locate(frame.lineNumber, frame.columnNumber) : null;
      const file = where?.replace(/:\d+$/, "");
      const up = parent.get(id);
      if (file && /^(workers|packages)\//.test(file)) result = file;
      else if (up !== undefined) result = ownerOf(up);
    }
    owner.set(id, result);
    return result;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const file = ownerOf(id);
    totals.set(file, (totals.get(file) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()]
    .filter(([file]) => file !== "(idle)")
    .sort((a, b) => b[1] - a[1])
    .map(([file, ms]) => ({ file, ms }));
}

/** Maps a position in the bundle to `file:line` in `sourceDir` (or the npm package it came from). */
export function sourceLocator(bundlePath: string, sourceDir: string): (line: number, column: number) => string | null {
  let map: SourceMap;
  let lines: string[];
  try {
    map = new SourceMap(JSON.parse(readFileSync(`${bundlePath}.map`, "utf8")));
    lines = readFileSync(bundlePath, "utf8").split("\n");
  } catch {
    return () => null;
  }
  return (line, column) => {
    // A whole line (column 0) is named by its first statement, not by the indentation before it.
    const at = column > 0 ? column : (lines[line]?.search(/\S/) ?? 0);
    const entry = map.findEntry(line, Math.max(0, at));
    if (!("originalSource" in entry) || !entry.originalSource) return null;
    const source = resolve(dirname(bundlePath), entry.originalSource.replace(/^file:\/\//, ""));
    const nodeModules = source.lastIndexOf("node_modules/");
    const shown = nodeModules >= 0 ? source.slice(nodeModules + "node_modules/".length) : relative(sourceDir, source);
    return `${shown}:${entry.originalLine + 1}`;
  };
}

/**
 * Records a CPU profile of one Worker through workerd's inspector (Chrome DevTools protocol):
 * `start()` begins sampling, the returned `stop()` ends it and hands back the profile.
 */
export async function startProfiling(inspectorUrl: string, intervalUs = 200): Promise<() => Promise<CpuProfile>> {
  // Miniflare's inspector proxy only admits DevTools-like clients: a local Origin is enough.
  const socket = new WebSocket(inspectorUrl, { headers: { origin: "http://127.0.0.1" } } as unknown as string[]);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error(`cannot connect to ${inspectorUrl}`)), { once: true });
  });
  let id = 0;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.resolve(message.result);
  });
  socket.addEventListener("close", () => {
    for (const { reject } of pending.values()) reject(new Error("the inspector closed the connection"));
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const callId = ++id;
      pending.set(callId, { resolve, reject });
      socket.send(JSON.stringify({ id: callId, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: intervalUs });
  await call("Profiler.start");
  return async () => {
    const result = (await call("Profiler.stop")) as { profile: CpuProfile };
    socket.close();
    return result.profile;
  };
}
