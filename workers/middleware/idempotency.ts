import { idempotencyKeys } from "@tessera/db/schema";
import { sha256Hex } from "@tessera/domain";
import { and, eq, lt } from "drizzle-orm";
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
 * Stripe's `Idempotency-Key` semantics: the first request with a key claims it and its answer
 * is kept; the same key with the same method, path and body gets that answer again (marked
 * `Idempotent-Replayed: true`); with anything else, 422 `idempotency_key_reused`; while the
 * first is still running, 409 `idempotency_key_in_use`. Keys are scoped per caller.
 */
export function idempotent(scopeOf: (c: AppContext) => string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined) return next();
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new ApiError("validation_failed", "Idempotency-Key must be 1–255 visible ASCII characters", {
        errors: [{ path: "header.Idempotency-Key", message: "invalid format" }],
      });
    }
    const { db } = c.get("services");
    const scope = scopeOf(c);
    const requestHash = await sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
    const now = Date.now();
    const claim = () =>
      db
        .insert(idempotencyKeys)
        .values({ scope, key, requestHash, state: "pending", createdAt: now })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });

    let claimed = (await claim()).length > 0;
    if (!claimed) {
      const existing = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
        .get();
      if (existing && existing.requestHash !== requestHash) throw new ApiError("idempotency_key_reused");
      if (existing?.state === "done") {
        return c.body(existing.responseBody ?? "", (existing.responseStatus ?? 200) as 200, {
          "content-type": existing.responseStatus && existing.responseStatus >= 400 ? "application/problem+json" : "application/json",
          "idempotent-replayed": "true",
        });
      }
      const abandoned = await db
        .delete(idempotencyKeys)
        .where(
          and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), eq(idempotencyKeys.state, "pending"), lt(idempotencyKeys.createdAt, now - ABANDONED_MS)),
        )
        .returning({ key: idempotencyKeys.key });
      claimed = abandoned.length > 0 && (await claim()).length > 0;
      if (!claimed) {
        throw new ApiError("idempotency_key_in_use", "Retry after the first request has finished", {
          headers: { "retry-after": "1" },
        });
      }
    }

    const release = () =>
      db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
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
    await db
      .update(idempotencyKeys)
      .set({ state: "done", responseStatus: status, responseBody: await c.res.clone().text() })
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
  });
}
