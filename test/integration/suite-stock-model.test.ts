import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StockKeeper, StockLevels } from "../../workers/objects/stock-keeper";
import { assertProperty } from "../support/property";

/**
 * Model-based test of one StockKeeper: random sequences of imports (with duplicates), reserves,
 * commits, releases (with and without `includeCommitted`), expiry sweeps under a moving clock
 * and evictions, run against the real object over RPC and against a plain model, compared after
 * every command: the answer, the levels, and every unit and reservation in storage.
 *
 * The model's clock starts ten years ahead of the wall clock, so the keeper's own alarm (which
 * sweeps with the wall clock) never expires anything behind the model's back.
 */

const MINUTE = 60_000;
const ORDERS = ["ord_m0", "ord_m1", "ord_m2", "ord_m3", "ord_m4"] as const;
type OrderId = (typeof ORDERS)[number];

type Command =
  | { kind: "import"; fingerprints: number[] }
  | { kind: "reserve"; order: OrderId; quantity: number; ttl: number }
  | { kind: "commit"; order: OrderId; quantity: number }
  | { kind: "release"; order: OrderId; includeCommitted: boolean }
  | { kind: "expire" }
  | { kind: "advance"; ms: number }
  /** To the very millisecond the next held reservation lapses: the boundary of the sweep. */
  | { kind: "advanceToExpiry" }
  | { kind: "evict" };

const order = fc.constantFrom(...ORDERS);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("import" as const),
      // A small pool of secrets, so the same one arrives twice in one upload and across uploads.
      fingerprints: fc.array(fc.nat(24), { minLength: 0, maxLength: 8 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("reserve" as const),
      order,
      quantity: fc.integer({ min: 1, max: 4 }),
      ttl: fc.constantFrom(MINUTE, 15 * MINUTE, 60 * MINUTE),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("commit" as const), order, quantity: fc.integer({ min: 1, max: 4 }) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("release" as const), order, includeCommitted: fc.boolean() }) },
  { weight: 3, arbitrary: fc.constant({ kind: "expire" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      ms: fc.constantFrom(30_000, 5 * MINUTE, 20 * MINUTE, 120 * MINUTE),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "advanceToExpiry" as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: "evict" as const }) },
);

interface Unit {
  fingerprint: string;
  status: "available" | "reserved" | "sold";
  orderId: string | null;
}
interface Reservation {
  quantity: number;
  expiresAt: number;
  status: "held" | "committed" | "released";
}
interface Model {
  /** In the order they were imported: units are handed out oldest first. */
  units: Unit[];
  reservations: Map<string, Reservation>;
  version: number;
  now: number;
}

const fingerprintOf = (n: number) => `fp-${n}`;
const cipherOf = (fingerprint: string) => `ct:${fingerprint}`;
/** Every other secret comes with a PIN. */
const secretOf = (fingerprint: string) => {
  const n = Number(fingerprint.slice("fp-".length));
  return n % 2 ? `st:${n}` : null;
};

function levelsOf(model: Model): StockLevels {
  const count = (status: Unit["status"]) => model.units.filter((u) => u.status === status).length;
  return { available: count("available"), reserved: count("reserved"), sold: count("sold"), version: model.version };
}

/** The units an order bought, oldest first, as the keeper returns them. */
const soldTo = (model: Model, orderId: string) =>
  model.units.filter((u) => u.orderId === orderId && u.status === "sold").map((u) => u.fingerprint);

function take(model: Model, orderId: string, quantity: number, status: "reserved" | "sold") {
  for (const unit of model.units.filter((u) => u.status === "available").slice(0, quantity)) {
    unit.status = status;
    unit.orderId = orderId;
  }
}

async function evict(stub: DurableObjectStub): Promise<boolean> {
  try {
    await evictDurableObject(stub);
    return true;
  } catch (error) {
    if (!String(error).includes("not currently running")) throw error;
    return false;
  }
}

async function step(
  keeper: DurableObjectStub<StockKeeper>,
  sku: { merchantId: string; skuId: string },
  model: Model,
  command: Command,
): Promise<string> {
  switch (command.kind) {
    case "import": {
      const items = command.fingerprints.map((n) => ({
        fingerprint: fingerprintOf(n),
        codeCiphertext: cipherOf(fingerprintOf(n)),
        secretCiphertext: secretOf(fingerprintOf(n)),
      }));
      const real = await keeper.importUnits(sku, items);
      let imported = 0;
      for (const item of items) {
        if (model.units.some((u) => u.fingerprint === item.fingerprint)) continue;
        model.units.push({ fingerprint: item.fingerprint, status: "available", orderId: null });
        imported++;
      }
      if (imported > 0) model.version++;
      expect(real).toEqual({ imported, duplicates: items.length - imported, levels: levelsOf(model) });
      return imported < items.length ? "import with duplicates" : "import";
    }
    case "reserve": {
      const real = await keeper.reserve(sku, command.order, command.quantity, command.ttl, model.now);
      const existing = model.reservations.get(command.order);
      // The same order asking again gets the same answer, whatever it asks for.
      if (existing && existing.status !== "released") {
        expect(real).toEqual({ ok: true, expiresAt: existing.expiresAt, levels: levelsOf(model) });
        return "reserve repeated";
      }
      if (levelsOf(model).available < command.quantity) {
        expect(real).toEqual({ ok: false, error: "insufficient_stock", levels: levelsOf(model) });
        return "reserve insufficient";
      }
      take(model, command.order, command.quantity, "reserved");
      const expiresAt = model.now + command.ttl;
      model.reservations.set(command.order, { quantity: command.quantity, expiresAt, status: "held" });
      model.version++;
      expect(real).toEqual({ ok: true, expiresAt, levels: levelsOf(model) });
      return existing ? "reserve after release" : "reserve";
    }
    case "commit": {
      const real = await keeper.commit(sku, command.order, command.quantity);
      const existing = model.reservations.get(command.order);
      const answer = () => ({
        ok: true,
        units: soldTo(model, command.order).map((fingerprint) => ({
          unitId: expect.stringMatching(/^unt_/),
          codeCiphertext: cipherOf(fingerprint),
          secretCiphertext: secretOf(fingerprint),
        })),
        levels: levelsOf(model),
      });
      if (existing?.status === "committed") {
        expect(real).toEqual(answer());
        return "commit repeated";
      }
      if (existing?.status !== "held" && levelsOf(model).available < command.quantity) {
        expect(real).toEqual({ ok: false, error: "insufficient_stock", levels: levelsOf(model) });
        return "commit insufficient";
      }
      const label = !existing
        ? "commit without reservation"
        : existing.status === "held"
          ? "commit"
          : "commit after lapse";
      if (existing?.status === "held") {
        for (const unit of model.units)
          if (unit.orderId === command.order && unit.status === "reserved") unit.status = "sold";
        existing.status = "committed";
      } else if (existing) {
        // A late payment after the reservation lapsed: served from what remains.
        take(model, command.order, command.quantity, "sold");
        existing.status = "committed";
      } else {
        take(model, command.order, command.quantity, "sold");
        model.reservations.set(command.order, { quantity: command.quantity, expiresAt: 0, status: "committed" });
      }
      model.version++;
      expect(real).toEqual(answer());
      return label;
    }
    case "release": {
      const real = await keeper.release(sku, command.order, { includeCommitted: command.includeCommitted });
      const existing = model.reservations.get(command.order);
      if (
        !existing ||
        existing.status === "released" ||
        (existing.status === "committed" && !command.includeCommitted)
      ) {
        expect(real).toEqual({ released: 0, levels: levelsOf(model) });
        return existing?.status === "committed" ? "release of a sale refused" : "release of nothing";
      }
      let released = 0;
      for (const unit of model.units) {
        if (unit.orderId === command.order && (unit.status === "reserved" || unit.status === "sold")) {
          unit.status = "available";
          unit.orderId = null;
          released++;
        }
      }
      const label = existing.status === "committed" ? "release of a sale (refund)" : "release";
      existing.status = "released";
      model.version++;
      expect(real).toEqual({ released, levels: levelsOf(model) });
      return label;
    }
    case "expire": {
      const real = await keeper.expireReservations(model.now);
      const expired = [...model.reservations.entries()].filter(
        ([, r]) => r.status === "held" && r.expiresAt <= model.now,
      );
      for (const [orderId, reservation] of expired) {
        for (const unit of model.units) {
          if (unit.orderId === orderId && unit.status === "reserved") {
            unit.status = "available";
            unit.orderId = null;
          }
        }
        reservation.status = "released";
      }
      if (expired.length > 0) model.version++;
      expect(real).toBe(expired.length);
      return expired.length > 0 ? "expire some" : "expire none";
    }
    case "advance":
      model.now += command.ms;
      return "advance";
    case "advanceToExpiry": {
      const held = [...model.reservations.values()].filter((r) => r.status === "held" && r.expiresAt > model.now);
      if (held.length === 0) return "advance";
      model.now = Math.min(...held.map((r) => r.expiresAt));
      return "advance to an expiry";
    }
    case "evict":
      return (await evict(keeper)) ? "evicted" : "evict (not running)";
  }
}

/** Every unit and reservation the keeper holds, reduced to what the model speaks about. */
function stored(keeper: DurableObjectStub<StockKeeper>) {
  return runInDurableObject(keeper, (_instance, state) => {
    const sql = state.storage.sql;
    return {
      units: sql
        .exec<Unit & Record<string, SqlStorageValue>>("SELECT fingerprint, status, orderId FROM units ORDER BY seq")
        .toArray()
        .map((u) => ({ ...u })),
      reservations: sql
        .exec<Reservation & { orderId: string } & Record<string, SqlStorageValue>>(
          "SELECT orderId, quantity, expiresAt, status FROM reservations ORDER BY orderId",
        )
        .toArray()
        .map((r) => ({ ...r })),
    };
  });
}

function expectedStorage(model: Model) {
  return {
    units: model.units.map((u) => ({ ...u })),
    reservations: [...model.reservations.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([orderId, r]) => ({ orderId, ...r })),
  };
}

describe("StockKeeper against its model", () => {
  it("50 random sequences of 20 to 60 commands (import with duplicates, reserve, commit, release, refund release, expiry under a moving clock, evict) match the model after every command", async () => {
    let commandsRun = 0;
    const outcomes: Record<string, number> = {};
    await assertProperty(
      "StockKeeper model",
      fc.asyncProperty(fc.array(commandArb, { minLength: 20, maxLength: 60, size: "max" }), async (commands) => {
        const skuId = `sku_model_${crypto.randomUUID()}`;
        const sku = { merchantId: "mer_model", skuId };
        const keeper = env.STOCK_KEEPER.get(env.STOCK_KEEPER.idFromName(skuId));
        const model: Model = {
          units: [],
          reservations: new Map(),
          version: 0,
          now: Date.now() + 10 * 365 * 86_400_000,
        };
        const trace: string[] = [];
        try {
          expect(await keeper.levels()).toEqual(levelsOf(model));
          for (const command of commands) {
            trace.push(JSON.stringify(command));
            const outcome = await step(keeper, sku, model, command);
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
            expect(await keeper.levels()).toEqual(levelsOf(model));
            expect(await stored(keeper)).toEqual(expectedStorage(model));
            commandsRun++;
          }
        } catch (error) {
          throw new Error(
            `after commands:\n  ${trace.join("\n  ")}\n${error instanceof Error ? error.message : error}`,
          );
        }
      }),
      { numRuns: 50 },
    );
    console.info(`StockKeeper model: ${commandsRun} commands`, JSON.stringify(outcomes));
    expect(commandsRun).toBeGreaterThan(1_000);
    // Every branch of the contract was reached at least once.
    expect(Object.keys(outcomes)).toEqual(
      expect.arrayContaining([
        "import",
        "import with duplicates",
        "reserve",
        "reserve repeated",
        "reserve insufficient",
        "reserve after release",
        "commit",
        "commit repeated",
        "commit insufficient",
        "commit without reservation",
        "commit after lapse",
        "release",
        "release of a sale refused",
        "release of a sale (refund)",
        "expire some",
        "advance to an expiry",
        "evicted",
      ]),
    );
  });
});
