import {
  apiKeyStatement,
  type ChannelChanges,
  type ChannelKeyRow,
  type ChannelRow,
  channelStatement,
  findChannel,
  findChannelKey,
  findMerchantById,
  listChannelKeys,
  listChannels,
  revokeApiKeyStatement,
  runAtomic,
  shopChannelStatement,
  updateChannelStatement,
} from "@tessera/db";
import { type ADDABLE_CHANNEL_KINDS, type Currency, newId, randomToken } from "@tessera/domain";
import type { AdminCaller, ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { forgetApiKey, mintApiKey } from "../api-keys";
import { audited } from "../audit";
import { missingChannel } from "./sales";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function channelView(row: ChannelRow) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    status: row.status,
    publishableKey: row.publishableKey,
    contactEmail: row.contactEmail,
    balance: row.kind === "reseller" ? { amount: row.balanceAmount, currency: row.balanceCurrency } : null,
    createdAt: iso(row.createdAt) as string,
    updatedAt: iso(row.updatedAt) as string,
  };
}

const keyView = (key: ChannelKeyRow) => ({
  id: key.id,
  prefix: key.prefix,
  createdAt: iso(key.createdAt) as string,
  revokedAt: iso(key.revokedAt),
});

function shopRow(merchantName: string, now: number) {
  return {
    id: newId("channel", now),
    kind: "shop" as const,
    name: merchantName,
    status: "active" as const,
    publishableKey: null,
    contactEmail: null,
    balanceCurrency: "CNY" as const,
    createdAt: now,
    updatedAt: now,
  };
}

/** Makes the merchant's shop channel, once: a merchant has it from its first day. */
export async function openShopChannel(ctx: ServiceContext, merchant: { id: string; name: string }): Promise<void> {
  await shopChannelStatement(ctx.db, merchant.id, shopRow(merchant.name, Date.now()));
}

/** The merchant's channels, the shop first. A merchant made before channels existed gets its shop channel here. */
export async function channelsOf(ctx: ServiceContext, merchantId: string) {
  let rows = await listChannels(ctx.db, merchantId);
  if (!rows.some((row) => row.kind === "shop")) {
    const merchant = await findMerchantById(ctx.db, merchantId);
    if (merchant) await openShopChannel(ctx, merchant);
    rows = await listChannels(ctx.db, merchantId);
  }
  return { data: rows.map(channelView) };
}

export async function channelOf(ctx: ServiceContext, merchantId: string, channelId: string): Promise<ChannelRow> {
  const row = await findChannel(ctx.db, merchantId, channelId);
  if (!row) throw missingChannel();
  return row;
}

export async function isActiveChannel(ctx: ServiceContext, merchantId: string, channelId: string) {
  return (await findChannel(ctx.db, merchantId, channelId))?.status === "active";
}

export async function channelDetail(ctx: ServiceContext, merchantId: string, channelId: string) {
  const row = await channelOf(ctx, merchantId, channelId);
  const keys = row.kind === "reseller" ? await listChannelKeys(ctx.db, merchantId, channelId) : [];
  return { ...channelView(row), keys: keys.map(keyView) };
}

export interface NewChannel {
  kind: (typeof ADDABLE_CHANNEL_KINDS)[number];
  name: string;
  contactEmail?: string | undefined;
  currency?: Currency | undefined;
}

/**
 * Adds a mini-program, an app or a reseller. A consumer channel gets its publishable key; a
 * reseller needs the address its orders are made out to, and keeps its balance in one currency.
 */
export async function createChannel(ctx: ServiceContext, caller: AdminCaller, input: NewChannel) {
  const reseller = input.kind === "reseller";
  if (reseller && !input.contactEmail) {
    throw new ApiError("validation_failed", "A reseller needs a contact email", {
      errors: [{ path: "contactEmail", message: "required for a reseller" }],
    });
  }
  if (!reseller && (input.contactEmail !== undefined || input.currency !== undefined)) {
    throw new ApiError("validation_failed", "Only a reseller has a contact email and a balance currency", {
      errors: [{ path: input.contactEmail !== undefined ? "contactEmail" : "currency", message: "resellers only" }],
    });
  }
  const now = Date.now();
  const row = {
    id: newId("channel", now),
    kind: input.kind,
    name: input.name,
    status: "active" as const,
    publishableKey: reseller ? null : `tess_pk_${randomToken(24)}`,
    contactEmail: reseller ? (input.contactEmail ?? null) : null,
    balanceCurrency: input.currency ?? "CNY",
    createdAt: now,
    updatedAt: now,
  };
  await runAtomic(ctx.db, [
    channelStatement(ctx.db, caller.merchantId, row),
    audited(ctx, caller, "channel.created", row.id, { kind: row.kind, name: row.name }, now),
  ]);
  return channelView({ ...row, merchantId: caller.merchantId, balanceAmount: 0 });
}

export async function updateChannel(
  ctx: ServiceContext,
  caller: AdminCaller,
  channelId: string,
  input: { name?: string | undefined; status?: ChannelRow["status"] | undefined; contactEmail?: string | undefined },
) {
  const row = await channelOf(ctx, caller.merchantId, channelId);
  if (row.kind === "shop" && input.status === "suspended") {
    throw new ApiError("conflict", "The shop cannot be suspended; unlist its products instead");
  }
  if (row.kind !== "reseller" && input.contactEmail !== undefined) {
    throw new ApiError("validation_failed", "Only a reseller has a contact email", {
      errors: [{ path: "contactEmail", message: "resellers only" }],
    });
  }
  const changes: ChannelChanges = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.status !== undefined) changes.status = input.status;
  if (input.contactEmail !== undefined) changes.contactEmail = input.contactEmail;
  const now = Date.now();
  await runAtomic(ctx.db, [
    updateChannelStatement(ctx.db, caller.merchantId, channelId, changes, now),
    audited(ctx, caller, "channel.updated", channelId, { fields: Object.keys(changes) }, now),
  ]);
  return channelDetail(ctx, caller.merchantId, channelId);
}

/** Another secret key for a reseller (`tess_channel_…`), shown once; only its SHA-256 is kept. */
export async function issueChannelKey(ctx: ServiceContext, caller: AdminCaller, channelId: string) {
  const row = await channelOf(ctx, caller.merchantId, channelId);
  if (row.kind !== "reseller") throw new ApiError("conflict", "Only a reseller has secret keys");
  const now = Date.now();
  const key = await mintApiKey({ kind: "channel", channelId, name: row.name }, now);
  await runAtomic(ctx.db, [
    apiKeyStatement(ctx.db, caller.merchantId, key.row),
    audited(ctx, caller, "api_key.created", key.row.id, { channelId }, now),
  ]);
  return { id: key.row.id, apiKey: key.apiKey, prefix: key.row.prefix, createdAt: iso(now) as string };
}

/**
 * Revokes a reseller key: at once in this isolate, within 30 seconds in others (the key cache of
 * `authenticateApiKey`). Revoking again changes nothing.
 */
export async function revokeChannelKey(ctx: ServiceContext, caller: AdminCaller, channelId: string, keyId: string) {
  const key = await findChannelKey(ctx.db, caller.merchantId, channelId, keyId);
  if (!key) throw new ApiError("not_found", "No such API key");
  if (key.revokedAt === null) {
    await runAtomic(ctx.db, [
      revokeApiKeyStatement(ctx.db, caller.merchantId, keyId, Date.now()),
      audited(ctx, caller, "api_key.revoked", keyId, { channelId }),
    ]);
  }
  forgetApiKey(key.hash);
}
