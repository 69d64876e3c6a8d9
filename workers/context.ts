import type { Db } from "@tessera/db";
import { d1Database } from "@tessera/db/d1";
import type { Role } from "@tessera/domain";
import type { Config, Env } from "./env";
import { createLogger, type Logger } from "./lib/log";
import { createVault, type Vault } from "./services/vault";

/** Everything a service needs, built once per request (or queue batch) and passed explicitly. */
export interface ServiceContext {
  env: Env;
  config: Config;
  db: Db;
  log: Logger;
  vault: Vault;
  /** Work that may finish after the response: fulfilment, event flushes. */
  waitUntil(promise: Promise<unknown>): void;
}

const vaults = new WeakMap<Config, Vault>();

export function createServiceContext(
  env: Env,
  config: Config,
  waitUntil: (promise: Promise<unknown>) => void,
  logFields: Record<string, unknown> = {},
): ServiceContext {
  let vault = vaults.get(config);
  if (!vault) {
    vault = createVault(config);
    vaults.set(config, vault);
  }
  return { env, config, db: d1Database(env.DB), log: createLogger(logFields), vault, waitUntil };
}

/** Who is calling, once a middleware has checked their credentials. */
export type Caller =
  | { kind: "staff"; merchantId: string; staffId: string; role: Role; sessionId: string; csrfToken: string }
  | { kind: "admin_key"; merchantId: string; keyId: string }
  | { kind: "partner"; merchantId: string; partnerId: string; keyId: string }
  | { kind: "channel"; merchantId: string; channelId: string; keyId: string }
  | { kind: "operator" };

export type AdminCaller = Extract<Caller, { kind: "staff" | "admin_key" }>;
export type StaffCaller = Extract<Caller, { kind: "staff" }>;

/** The role a caller acts with: an admin API key is the merchant's own, so it acts as an owner. */
export function roleOf(caller: AdminCaller): Role {
  return caller.kind === "staff" ? caller.role : "owner";
}
export type PartnerCaller = Extract<Caller, { kind: "partner" }>;
export type ChannelCaller = Extract<Caller, { kind: "channel" }>;

export function actorOf(caller: AdminCaller): string {
  return caller.kind === "staff" ? `staff:${caller.staffId}` : `key:${caller.keyId}`;
}
