import { type Capability, can } from "@tessera/domain";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppContext, AppEnv } from "../app";
import { roleOf } from "../context";
import { ApiError } from "../errors";
import { authenticateApiKey, isOperatorKey } from "../services/api-keys";
import { isActiveChannel } from "../services/channels/registry";
import { SESSION_COOKIE, sessionFromToken } from "../services/staff-sessions";

function bearer(c: AppContext): string | null {
  const header = c.req.header("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new ApiError("unauthorized", "Authorization must be `Bearer <key>`");
  return match[1];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Admin routes take an admin API key, or a staff session cookie; cookie-authenticated writes
 * must echo the session's CSRF token in `X-CSRF-Token`, which another site cannot read.
 */
export function requireAdmin() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const services = c.get("services");
    const key = bearer(c);
    if (key) {
      const owner = await authenticateApiKey(services, "admin", key);
      if (!owner) throw new ApiError("unauthorized", "The API key is not valid");
      const caller = { kind: "admin_key" as const, merchantId: owner.merchantId, keyId: owner.keyId };
      c.set("caller", caller);
      c.set("admin", caller);
      return next();
    }
    const token = getCookie(c, SESSION_COOKIE);
    if (!token) throw new ApiError("unauthorized", "Sign in or send an admin API key");
    const session = await sessionFromToken(services, token);
    if (!session) throw new ApiError("unauthorized", "The session has ended; sign in again");
    if (!SAFE_METHODS.has(c.req.method) && c.req.header("x-csrf-token") !== session.csrfToken) {
      throw new ApiError("csrf_failed");
    }
    const caller = { kind: "staff" as const, ...session };
    c.set("caller", caller);
    c.set("admin", caller);
    return next();
  });
}

/**
 * The role check of an admin route (after `requireAdmin`): the caller's role must hold the
 * capability (packages/domain's permission table); an admin API key acts as an owner.
 */
export function requireCapability(capability: Capability) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!can(roleOf(c.get("admin")), capability)) throw new ApiError("forbidden", "Your role may not do this");
    return next();
  });
}

/** Routes about the signed-in person themselves (their profile, their second factor): no API keys. */
export function requireStaff() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.get("admin").kind !== "staff") throw new ApiError("forbidden", "Only a signed-in staff member may do this");
    return next();
  });
}

export function requirePartner() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = bearer(c);
    if (!key) throw new ApiError("unauthorized", "Send a partner API key as `Authorization: Bearer <key>`");
    const owner = await authenticateApiKey(c.get("services"), "partner", key);
    if (!owner?.partnerId) throw new ApiError("unauthorized", "The API key is not valid");
    const caller = {
      kind: "partner" as const,
      merchantId: owner.merchantId,
      partnerId: owner.partnerId,
      keyId: owner.keyId,
    };
    c.set("caller", caller);
    c.set("partner", caller);
    return next();
  });
}

/**
 * The channel API takes a reseller's secret key (`tess_channel_…`). A key of a suspended reseller
 * is known but may do nothing: 403.
 */
export function requireChannel() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = bearer(c);
    if (!key) throw new ApiError("unauthorized", "Send a channel API key as `Authorization: Bearer <key>`");
    const services = c.get("services");
    const owner = await authenticateApiKey(services, "channel", key);
    if (!owner?.channelId) throw new ApiError("unauthorized", "The API key is not valid");
    if (!(await isActiveChannel(services, owner.merchantId, owner.channelId))) {
      throw new ApiError("forbidden", "This channel is suspended");
    }
    const caller = {
      kind: "channel" as const,
      merchantId: owner.merchantId,
      channelId: owner.channelId,
      keyId: owner.keyId,
    };
    c.set("caller", caller);
    c.set("channel", caller);
    return next();
  });
}

export function requireOperator() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = bearer(c);
    if (!key || !(await isOperatorKey(c.get("services"), key))) {
      throw new ApiError("unauthorized", "Send the operator key as `Authorization: Bearer <key>`");
    }
    c.set("caller", { kind: "operator" });
    return next();
  });
}
