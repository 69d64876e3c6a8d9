import { newId } from "@tessera/domain";
import { expect, it } from "vitest";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  type Db,
  findIdempotencyKey,
  type IdempotencyClaim,
  releaseAbandonedIdempotencyKey,
  releaseIdempotencyKey,
} from "../../src";

/** Scopes are per caller; a fresh one per test keeps tests apart. */
function claim(overrides: Partial<IdempotencyClaim> = {}): IdempotencyClaim {
  return { scope: newId("apiKey"), key: "key-1", requestHash: "hash-a", createdAt: 1_000, ...overrides };
}

export function idempotencyTests(db: () => Db): void {
  it("lets exactly one of 20 concurrent claims of a key win", async () => {
    const first = claim();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => claimIdempotencyKey(db(), { ...first, requestHash: `hash-${i}` })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await findIdempotencyKey(db(), first.scope, first.key)).toMatchObject({
      requestHash: `hash-${winner}`,
      state: "pending",
    });
  });

  it("treats the same key in another scope as another key", async () => {
    const mine = claim();
    const theirs = claim({ key: mine.key });
    expect(await claimIdempotencyKey(db(), mine)).toBe(true);
    expect(await claimIdempotencyKey(db(), theirs)).toBe(true);
    expect(await findIdempotencyKey(db(), theirs.scope, "key-2")).toBeNull();
  });

  it("keeps a completed key's answer for replay", async () => {
    const mine = claim();
    await claimIdempotencyKey(db(), mine);
    await completeIdempotencyKey(db(), mine.scope, mine.key, { status: 201, body: '{"id":"ord_1"}' });
    expect(await claimIdempotencyKey(db(), mine)).toBe(false);
    expect(await findIdempotencyKey(db(), mine.scope, mine.key)).toEqual({
      ...mine,
      state: "done",
      responseStatus: 201,
      responseBody: '{"id":"ord_1"}',
    });
  });

  it("frees a released key for a fresh claim", async () => {
    const mine = claim();
    await claimIdempotencyKey(db(), mine);
    await releaseIdempotencyKey(db(), mine.scope, mine.key);
    expect(await findIdempotencyKey(db(), mine.scope, mine.key)).toBeNull();
    expect(await claimIdempotencyKey(db(), { ...mine, requestHash: "hash-b" })).toBe(true);
  });

  it("drops only a claim still pending from before the cutoff", async () => {
    const pending = claim({ createdAt: 1_000 });
    const done = claim({ createdAt: 1_000 });
    await claimIdempotencyKey(db(), pending);
    await claimIdempotencyKey(db(), done);
    await completeIdempotencyKey(db(), done.scope, done.key, { status: 200, body: "{}" });
    expect(await releaseAbandonedIdempotencyKey(db(), pending.scope, pending.key, 1_000)).toBe(false);
    expect(await releaseAbandonedIdempotencyKey(db(), done.scope, done.key, 5_000)).toBe(false);
    expect(await releaseAbandonedIdempotencyKey(db(), pending.scope, pending.key, 1_001)).toBe(true);
    expect(await releaseAbandonedIdempotencyKey(db(), pending.scope, pending.key, 1_001)).toBe(false);
    expect(await findIdempotencyKey(db(), done.scope, done.key)).toMatchObject({ state: "done" });
  });
}
