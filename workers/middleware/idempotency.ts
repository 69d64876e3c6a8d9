import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  releaseAbandonedIdempotencyKey,
  releaseIdempotencyKey,
} from "@tessera/db";
import { sha256Hex } from "@tessera/domain";
import { createMiddleware } from "hono/factory";
import type { AppContext, AppEnv } from "../app";
import { ApiError } from "../errors";

/** A claim older than this belongs to an invocation that died; the next retry may take it over. */
const ABANDONED_MS = 60_000;

/** Outcomes worth replaying; anything else (auth, rate limits, our own failures) may be retried afresh. */
function isReplayable(status: number): boolean {
  return (status >= 200 && status < 300) || status === 404 || status === 409 || status === 422;
}

/**
 * The request's `Idempotency-Key`, or null without one; a malformed key is refused (400). For
 * routes whose own Durable Object keeps the key and the answer (redemptions), instead of `idempotent()`.
 */
export function idempotencyKeyOf(c: AppContext): string | null {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ApiError("validation_failed", "Idempotency-Key must be 1–255 visible ASCII characters", {
      errors: [{ path: "header.Idempotency-Key", message: "invalid format" }],
    });
  }
  return key;
}

/**
 * Stripe's `Idempotency-Key` semantics: the first request with a key claims it and its answer
 * is kept; the same key with the same method, path and body gets that answer again (marked
 * `Idempotent-Replayed: true`); with anything else, 422 `idempotency_key_reused`; while the
 * first is still running, 409 `idempotency_key_in_use`. Keys are scoped per caller.
 */
export function idempotent(scopeOf: (c: AppContext) => string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = idempotencyKeyOf(c);
    if (key === null) return next();
    const { db, vault } = c.get("services");
    const scope = scopeOf(c);
    const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
    const now = Date.now();
    const claim = () => claimIdempotencyKey(db, { scope, key, requestHash, createdAt: now });

    let claimed = await claim();
    if (!claimed) {
      const existing = await findIdempotencyKey(db, scope, key);
      if (existing && existing.requestHash !== requestHash) throw new ApiError("idempotency_key_reused");
      if (existing?.state === "done") {
        const body = existing.responseBody
          ? await vault.decrypt(existing.responseBody, `idempotency:${scope}:${key}`)
          : "";
        return c.body(body, (existing.responseStatus ?? 200) as 200, {
          "content-type":
            existing.responseStatus && existing.responseStatus >= 400 ? "application/problem+json" : "application/json",
          "idempotent-replayed": "true",
        });
      }
      claimed = (await releaseAbandonedIdempotencyKey(db, scope, key, now - ABANDONED_MS)) && (await claim());
      if (!claimed) {
        throw new ApiError("idempotency_key_in_use", "Retry after the first request has finished", {
          headers: { "retry-after": "1" },
        });
      }
    }

    const release = () => releaseIdempotencyKey(db, scope, key);
    try {
      await next();
    } catch (error) {
      await release();
      throw error;
    }
    const status = c.res.status;
    if (!isReplayable(status)) {
      await release();
      return;
    }
    // Answers may carry what is shown only once (an order's access token, a new API key), so
    // the kept copy is encrypted like any other secret.
    const body = await vault.encrypt(await c.res.clone().text(), `idempotency:${scope}:${key}`);
    await completeIdempotencyKey(db, scope, key, { status, body });
  });
}
