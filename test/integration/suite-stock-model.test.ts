import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { customerOf, homeShard, lendAmount, splitQuota } from "@tessera/domain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Reservation as StoredReservation } from "../../workers/objects/stock/reservations";
import type { StockKeeper, StockLevels } from "../../workers/objects/stock-keeper";
import type { StockShard } from "../../workers/objects/stock-shard";
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

// ---- A flash sale's sharded stock: home shards, borrowing between siblings, closing, evictions ----

/**
 * Model-based test of a flash sale's shards: the SKU's StockKeeper allocates a quota over 1 to
 * 4 StockShards, then random reserves (each order belongs to one customer and goes to that
 * customer's home shard), commits (late ones too), releases, expiry sweeps under a moving
 * clock, the sale's close and evictions of any shard or the keeper run against the real objects
 * and against a model of every shard's counts, every customer's purchases and the keeper's
 * stock. A shard short of units borrows from its siblings in order, each lending what was asked
 * or half its stock, so the model knows where every unit is. After every command the transfers
 * are delivered and every unit of the sale is found exactly once, in a shard or back home.
 */

const SALE_ORDERS = ["ord_s0", "ord_s1", "ord_s2", "ord_s3", "ord_s4", "ord_s5"] as const;
type SaleOrder = (typeof SALE_ORDERS)[number];
const BUYER_OF: Record<SaleOrder, string> = {
  ord_s0: "ann@example.test",
  ord_s1: "bob@example.test",
  ord_s2: "cat@example.test",
  ord_s3: "ann@example.test",
  ord_s4: "bob@example.test",
  ord_s5: "dan@example.test",
};
const BUYERS = [...new Set(Object.values(BUYER_OF))];
const KEPT_HOME = 3;

type SaleCommand =
  | { kind: "reserve"; order: SaleOrder; quantity: number; ttl: number }
  | { kind: "commit"; order: SaleOrder; quantity: number }
  | { kind: "release"; order: SaleOrder; includeCommitted: boolean }
  | { kind: "expire" }
  | { kind: "advance"; ms: number }
  | { kind: "advanceToExpiry" }
  | { kind: "close" }
  | { kind: "evict"; target: number };

const saleOrder = fc.constantFrom(...SALE_ORDERS);
const saleCommandArb: fc.Arbitrary<SaleCommand> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("reserve" as const),
      order: saleOrder,
      quantity: fc.integer({ min: 1, max: 3 }),
      ttl: fc.constantFrom(MINUTE, 15 * MINUTE),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("commit" as const),
      order: saleOrder,
      quantity: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("release" as const), order: saleOrder, includeCommitted: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "expire" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      ms: fc.constantFrom(30_000, 5 * MINUTE, 20 * MINUTE),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "advanceToExpiry" as const }) },
  // -1 is the keeper; 0–3 a shard (one past the sale's shards is simply not running).
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("evict" as const), target: fc.integer({ min: -1, max: 3 }) }) },
);

interface ShardCounts {
  available: number;
  reserved: number;
  sold: number;
}
interface SaleModel {
  shards: ShardCounts[];
  keeper: number;
  bought: Map<string, number>;
  orders: Map<SaleOrder, { expiresAt: number; status: StoredReservation["status"]; units: number }>;
  closed: boolean;
  limit: number;
  now: number;
}

const homeOf = (model: SaleModel, order: SaleOrder) => homeShard(customerOf(BUYER_OF[order]), model.shards.length);

/** A shard short of `quantity` asks each sibling after it in turn, as StockShard.#borrowRound does. */
function borrow(model: SaleModel, shard: number, quantity: number): void {
  const n = model.shards.length;
  for (let step = 1; step < n; step++) {
    const mine = model.shards[shard] as ShardCounts;
    const short = quantity - mine.available;
    if (short <= 0) return;
    const sibling = model.shards[(shard + step) % n] as ShardCounts;
    const amount = lendAmount(sibling.available, short);
    sibling.available -= amount;
    mine.available += amount;
  }
}

/** Units freed in a closed sale go home to the keeper. */
function settle(model: SaleModel): void {
  if (!model.closed) return;
  for (const shard of model.shards) {
    model.keeper += shard.available;
    shard.available = 0;
  }
}

async function saleStep(
  world: { shard: (i: number) => DurableObjectStub<StockShard>; keeper: DurableObjectStub<StockKeeper> },
  model: SaleModel,
  command: SaleCommand,
): Promise<string> {
  switch (command.kind) {
    case "reserve": {
      const shard = homeOf(model, command.order);
      const customer = customerOf(BUYER_OF[command.order]);
      const real = await world.shard(shard).reserve(command.order, customer, command.quantity, command.ttl, model.now);
      const existing = model.orders.get(command.order);
      const counts = model.shards[shard] as ShardCounts;
      if (existing && existing.status !== "released") {
        expect(real).toMatchObject({ ok: true, expiresAt: existing.expiresAt });
        return "reserve repeated";
      }
      if (model.closed) {
        expect(real).toMatchObject({ ok: false, error: "sale_ended" });
        return "reserve after close";
      }
      if ((model.bought.get(customer) ?? 0) + command.quantity > model.limit) {
        expect(real).toMatchObject({ ok: false, error: "sale_limit_exceeded" });
        return "reserve over limit";
      }
      const hadEnough = counts.available >= command.quantity;
      if (!hadEnough) borrow(model, shard, command.quantity);
      if (counts.available < command.quantity) {
        expect(real).toMatchObject({ ok: false, error: "sale_sold_out" });
        return "reserve sold out";
      }
      counts.available -= command.quantity;
      counts.reserved += command.quantity;
      model.bought.set(customer, (model.bought.get(customer) ?? 0) + command.quantity);
      const expiresAt = model.now + command.ttl;
      model.orders.set(command.order, { expiresAt, status: "held", units: command.quantity });
      expect(real).toMatchObject({ ok: true, expiresAt });
      return hadEnough ? "reserve" : "reserve after borrowing";
    }
    case "commit": {
      const shard = homeOf(model, command.order);
      const customer = customerOf(BUYER_OF[command.order]);
      const real = await world.shard(shard).commit(command.order, command.quantity);
      const existing = model.orders.get(command.order);
      const counts = model.shards[shard] as ShardCounts;
      if (existing?.status === "committed") {
        expect(real.ok && real.units.length).toBe(existing.units);
        return "commit repeated";
      }
      if (existing?.status === "held") {
        counts.reserved -= existing.units;
        counts.sold += existing.units;
        existing.status = "committed";
        expect(real.ok && real.units.length).toBe(existing.units);
        return "commit";
      }
      const refused =
        !existing ||
        model.closed ||
        (model.bought.get(customer) ?? 0) + command.quantity > model.limit ||
        counts.available < command.quantity;
      if (refused) {
        expect(real).toMatchObject({ ok: false, error: "insufficient_stock" });
        return existing ? "late commit refused" : "commit without reservation";
      }
      counts.available -= command.quantity;
      counts.sold += command.quantity;
      model.bought.set(customer, (model.bought.get(customer) ?? 0) + command.quantity);
      existing.status = "committed";
      existing.units = command.quantity;
      expect(real.ok && real.units.length).toBe(command.quantity);
      return "late commit";
    }
    case "release": {
      const shard = homeOf(model, command.order);
      const customer = customerOf(BUYER_OF[command.order]);
      const real = await world.shard(shard).release(command.order, { includeCommitted: command.includeCommitted });
      const existing = model.orders.get(command.order);
      if (
        !existing ||
        existing.status === "released" ||
        (existing.status === "committed" && !command.includeCommitted)
      ) {
        expect(real.released).toBe(0);
        return "release of nothing";
      }
      const counts = model.shards[shard] as ShardCounts;
      if (existing.status === "held") counts.reserved -= existing.units;
      else counts.sold -= existing.units;
      counts.available += existing.units;
      model.bought.set(customer, (model.bought.get(customer) ?? 0) - existing.units);
      expect(real.released).toBe(existing.units);
      const label = existing.status === "held" ? "release" : "release of a sale (refund)";
      existing.status = "released";
      settle(model);
      return label;
    }
    case "expire": {
      let real = 0;
      for (let i = 0; i < model.shards.length; i++) real += await world.shard(i).expireReservations(model.now);
      let expired = 0;
      for (const [order, reservation] of model.orders) {
        if (reservation.status !== "held" || reservation.expiresAt > model.now) continue;
        const counts = model.shards[homeOf(model, order)] as ShardCounts;
        counts.reserved -= reservation.units;
        counts.available += reservation.units;
        const customer = customerOf(BUYER_OF[order]);
        model.bought.set(customer, (model.bought.get(customer) ?? 0) - reservation.units);
        reservation.status = "released";
        expired++;
      }
      settle(model);
      expect(real).toBe(expired);
      return expired > 0 ? "expire some" : "expire none";
    }
    case "advance":
      model.now += command.ms;
      return "advance";
    case "advanceToExpiry": {
      const held = [...model.orders.values()].filter((r) => r.status === "held" && r.expiresAt > model.now);
      if (held.length === 0) return "advance";
      model.now = Math.min(...held.map((r) => r.expiresAt));
      return "advance to an expiry";
    }
    case "close": {
      for (let i = 0; i < model.shards.length; i++) await world.shard(i).close(model.now);
      const first = !model.closed;
      model.closed = true;
      settle(model);
      return first ? "close" : "close again";
    }
    case "evict": {
      const stub = command.target === -1 ? world.keeper : world.shard(command.target);
      return (await evict(stub)) ? "evicted" : "evict (not running)";
    }
  }
}

describe("a flash sale's sharded stock against its model", () => {
  it("40 random sales (1–4 shards) of 20 to 50 commands (reserve with borrowing, limits, commit, late commit, release, expiry, close, evict any object) match the model, every unit found once", async () => {
    let commandsRun = 0;
    const outcomes: Record<string, number> = {};
    await assertProperty(
      "StockShard model",
      fc.asyncProperty(
        fc.record({
          shards: fc.integer({ min: 1, max: 4 }),
          extra: fc.integer({ min: 0, max: 8 }),
          limit: fc.integer({ min: 1, max: 4 }),
          commands: fc.array(saleCommandArb, { minLength: 20, maxLength: 50, size: "max" }),
          // Most sales close (end or are cancelled) somewhere in their second half; some never do.
          closeAt: fc.option(fc.double({ min: 0.4, max: 1, noNaN: true }), { freq: 4 }),
        }),
        async ({ shards, extra, limit, commands: drawn, closeAt }) => {
          const commands = [...drawn];
          if (closeAt !== null) commands.splice(Math.floor(closeAt * commands.length), 0, { kind: "close" });
          const quota = shards + extra;
          const skuId = `sku_sale_${crypto.randomUUID()}`;
          const sku = { merchantId: "mer_model", skuId };
          const saleId = `fls_model_${crypto.randomUUID()}`;
          const keeper = env.STOCK_KEEPER.get(env.STOCK_KEEPER.idFromName(skuId));
          const shard = (i: number) => env.STOCK_SHARD.get(env.STOCK_SHARD.idFromName(`${saleId}:${i}`));
          const now = Date.now() + 10 * 365 * 86_400_000;
          const all = Array.from({ length: quota + KEPT_HOME }, (_, i) => fingerprintOf(i));
          await keeper.importUnits(
            sku,
            all.map((fingerprint) => ({ fingerprint, codeCiphertext: cipherOf(fingerprint), secretCiphertext: null })),
          );
          const terms = {
            saleId,
            merchantId: sku.merchantId,
            skuId,
            shards,
            perCustomerLimit: limit,
            startsAt: now,
            endsAt: now + 365 * 86_400_000,
            minted: false,
          };
          expect(await keeper.allocate(sku, terms, quota)).toMatchObject({ ok: true });
          const model: SaleModel = {
            shards: splitQuota(quota, shards).map((available) => ({ available, reserved: 0, sold: 0 })),
            keeper: KEPT_HOME,
            bought: new Map(),
            orders: new Map(),
            closed: false,
            limit,
            now,
          };
          const trace: string[] = [`shards ${shards}, quota ${quota}, limit ${limit}`];
          try {
            for (const command of commands) {
              trace.push(JSON.stringify(command));
              const outcome = await saleStep({ shard, keeper }, model, command);
              outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
              for (let i = 0; i < shards; i++) await shard(i).deliverTransfers();
              const levels = await Promise.all(Array.from({ length: shards }, (_, i) => shard(i).levels()));
              expect(levels.map(({ available, reserved, sold }) => ({ available, reserved, sold }))).toEqual(
                model.shards,
              );
              for (const buyer of BUYERS) {
                const customer = customerOf(buyer);
                expect(await shard(homeShard(customer, shards)).purchasesOf(customer)).toBe(
                  model.bought.get(customer) ?? 0,
                );
              }
              expect((await keeper.levels()).available).toBe(model.keeper);
              const held = [
                ...(await Promise.all(Array.from({ length: shards }, (_, i) => unitFingerprints(shard(i))))).flat(),
                ...(await unitFingerprints(keeper)),
              ];
              expect(held.sort()).toEqual([...all].sort());
              commandsRun++;
            }
          } catch (error) {
            throw new Error(
              `after commands:\n  ${trace.join("\n  ")}\n${error instanceof Error ? error.message : error}`,
            );
          }
        },
      ),
      { numRuns: 40 },
    );
    console.info(`StockShard model: ${commandsRun} commands`, JSON.stringify(outcomes));
    expect(commandsRun).toBeGreaterThan(800);
    expect(Object.keys(outcomes)).toEqual(
      expect.arrayContaining([
        "reserve",
        "reserve after borrowing",
        "reserve repeated",
        "reserve sold out",
        "reserve over limit",
        "reserve after close",
        "commit",
        "commit repeated",
        "late commit",
        "late commit refused",
        "release",
        "release of a sale (refund)",
        "expire some",
        "close",
        "evicted",
      ]),
    );
  });
});

/** The fingerprints of the units an object holds. */
function unitFingerprints(stub: DurableObjectStub): Promise<string[]> {
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ fingerprint: string }>("SELECT fingerprint FROM units")
      .toArray()
      .map((row) => row.fingerprint),
  );
}
