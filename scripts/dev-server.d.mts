import type { ChildProcess, SpawnOptions } from "node:child_process";

export const root: string;
export function runWrangler(args: string[], options?: { env?: NodeJS.ProcessEnv; quiet?: boolean }): void;
export function spawnWrangler(args: string[], options?: SpawnOptions): ChildProcess;
export function buildWeb(options?: { quiet?: boolean }): void;
export function waitUntilHealthy(
  baseUrl: string,
  options?: { timeoutMs?: number; child?: ChildProcess },
): Promise<void>;
