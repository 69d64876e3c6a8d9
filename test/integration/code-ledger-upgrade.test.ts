import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { newRedemptionId } from "@tessera/domain";
import { describe, expect, it } from "vitest";

/** The storage a per-code ledger had before one object could hold many codes. */
const OLD_SCHEMA = [
  `CREATE TABLE code (
     singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
     codeId TEXT NOT NULL, lookupKey TEXT NOT NULL, merchantId TEXT NOT NULL, skuId TEXT NOT NULL,
     orderId TEXT NOT NULL, productName TEXT NOT NULL, usesTotal INTEGER NOT NULL,
     usesRemaining INTEGER NOT NULL, issuedAt INTEGER NOT NULL, expiresAt INTEGER,
     voidedAt INTEGER, version INTEGER NOT NULL)`,
  // Old enough not to have `actor` yet.
  `CREATE TABLE redemptions (
     id TEXT PRIMARY KEY, partnerId TEXT, idempotencyKey TEXT UNIQUE, requestHash TEXT NOT NULL,
     location TEXT, createdAt INTEGER NOT NULL, reversedAt INTEGER, response TEXT NOT NULL)`,
  "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)",
];

describe("a CodeLedger armed before ledgers held many codes", () => {
  it("moves its code and redemptions into the keyed tables once, then verifies, replays, reverses and redeems as before", async () => {
    const lookupKey = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    const merchantId = "mer_upgrade";
    const stub = env.CODE_LEDGER.get(env.CODE_LEDGER.idFromName(`upgrade-${crypto.randomUUID()}`));
    const issuedAt = Date.now() - 1_000;
    const redemptionId = newRedemptionId(lookupKey, issuedAt + 10);
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      for (const statement of OLD_SCHEMA) sql.exec(statement);
      sql.exec(
        `INSERT INTO code VALUES (1, 'cod_old', ?, ?, 'sku_old', 'ord_old', 'Old product', 3, 2, ?, NULL, NULL, 2)`,
        lookupKey,
        merchantId,
        issuedAt,
      );
      const response = {
        id: redemptionId,
        codeId: "cod_old",
        createdAt: issuedAt + 10,
        code: { codeId: "cod_old", remainingUses: 2 },
      };
      sql.exec(
        "INSERT INTO redemptions VALUES (?, 'ptn_old', 'ptn_old:key-1', 'hash-1', NULL, ?, NULL, ?)",
        redemptionId,
        issuedAt + 10,
        JSON.stringify(response),
      );
    });

    expect(await stub.verify(merchantId, lookupKey)).toMatchObject({ codeId: "cod_old", remainingUses: 2 });
    const input = { lookupKey, merchantId, partnerId: "ptn_old", location: null };
    expect(await stub.redeem({ ...input, idempotencyKey: "key-1", requestHash: "hash-1" })).toMatchObject({
      ok: true,
      replayed: true,
      redemption: { id: redemptionId },
    });
    expect(await stub.reverse(merchantId, redemptionId, "ptn_old")).toMatchObject({
      ok: true,
      code: { remainingUses: 3 },
    });
    expect(await stub.redeem({ ...input, idempotencyKey: null, requestHash: "hash-2" })).toMatchObject({
      ok: true,
      replayed: false,
      redemption: { code: { remainingUses: 2 } },
    });

    const tables = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .toArray()
        .map((row) => row.name)
        .filter((name) => !name.startsWith("_") && name !== "sqlite_sequence"),
    );
    expect(tables).toEqual(["activations", "codes", "outbox", "redemptions", "refusals"]);
    const rows = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql
        .exec<{ lookupKey: string; actor: string | null }>(
          "SELECT lookupKey, actor FROM redemptions ORDER BY createdAt",
        )
        .toArray()
        .map((row) => ({ ...row })),
    );
    expect(rows).toEqual([
      { lookupKey, actor: null },
      { lookupKey, actor: "partner:ptn_old" },
    ]);
  });

  it("gives a keyed ledger armed before the product forms their columns once; its voucher redeems and reverses as before", async () => {
    const lookupKey = "b1b2c3d4e5f60718293a4b5c6d7e8f90";
    const merchantId = "mer_upgrade_forms";
    const stub = env.CODE_LEDGER.get(env.CODE_LEDGER.idFromName(`upgrade-${crypto.randomUUID()}`));
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      // The keyed tables as they were before the forms: no terms, balance, activation or amount.
      sql.exec(`CREATE TABLE codes (
        lookupKey TEXT PRIMARY KEY, codeId TEXT NOT NULL, merchantId TEXT NOT NULL, skuId TEXT NOT NULL,
        orderId TEXT NOT NULL, productName TEXT NOT NULL, usesTotal INTEGER NOT NULL,
        usesRemaining INTEGER NOT NULL, issuedAt INTEGER NOT NULL, expiresAt INTEGER,
        voidedAt INTEGER, version INTEGER NOT NULL) WITHOUT ROWID`);
      sql.exec(`CREATE TABLE redemptions (
        id TEXT PRIMARY KEY, lookupKey TEXT NOT NULL, partnerId TEXT, idempotencyKey TEXT UNIQUE,
        requestHash TEXT NOT NULL, location TEXT, createdAt INTEGER NOT NULL, reversedAt INTEGER,
        response TEXT NOT NULL, actor TEXT)`);
      sql.exec("CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)");
      sql.exec(
        "INSERT INTO codes VALUES (?, 'cod_keyed', ?, 'sku_k', 'ord_k', 'Keyed product', 2, 2, ?, NULL, NULL, 1)",
        lookupKey,
        merchantId,
        Date.now() - 1_000,
      );
    });

    expect(await stub.verify(merchantId, lookupKey)).toMatchObject({ form: "uses", remainingUses: 2, usable: true });
    const input = { lookupKey, merchantId, partnerId: "ptn_k", location: null, idempotencyKey: null };
    const redeemed = await stub.redeem({ ...input, requestHash: "h1" });
    expect(redeemed).toMatchObject({ ok: true, redemption: { code: { remainingUses: 1 } } });
    if (!redeemed.ok || !("redemption" in redeemed)) throw new Error("unreachable");
    expect(await stub.reverse(merchantId, redeemed.redemption.id, "ptn_k")).toMatchObject({
      ok: true,
      code: { remainingUses: 2, lastUsedAt: null },
    });
    // A stored-value amount is refused on a voucher, in the upgraded object as in a new one.
    expect(await stub.redeem({ ...input, requestHash: "h2", amount: 5 })).toEqual({
      ok: false,
      error: "amount_not_applicable",
      replayed: false,
    });
    const columns = await runInDurableObject(stub, (_instance, state) => ({
      codes: state.storage.sql
        .exec<{ name: string }>("PRAGMA table_info(codes)")
        .toArray()
        .map((column) => column.name),
      redemptions: state.storage.sql
        .exec<{ name: string }>("PRAGMA table_info(redemptions)")
        .toArray()
        .map((column) => column.name),
    }));
    expect(columns.codes).toEqual(
      expect.arrayContaining(["terms", "currency", "balanceRemaining", "lastUsedAt", "activatedAt", "seatsUsed"]),
    );
    expect(columns.redemptions).toContain("amount");
  });
});
