import { beforeAll, describe } from "vitest";
import type { Db } from "../src";
import { atomicTests } from "./suites/atomic";
import { catalogTests } from "./suites/catalog";
import { channelTests } from "./suites/channels";
import { codeTests } from "./suites/codes";
import { idempotencyTests } from "./suites/idempotency";
import { moneyTests } from "./suites/money";
import { orderTests } from "./suites/orders";
import { redemptionTests } from "./suites/redemptions";

/**
 * The repository contract, registered once per driver: every helper must behave the same on D1
 * and on libSQL. `makeDb` is called once per file; each test makes its own merchants.
 */
export function defineRepositorySuite(name: string, makeDb: () => Promise<Db>): void {
  describe(`repository on ${name}`, () => {
    let db: Db | undefined;
    beforeAll(async () => {
      db = await makeDb();
    });
    const getDb = (): Db => {
      if (!db) throw new Error("the database is made in beforeAll");
      return db;
    };
    describe("catalog", () => catalogTests(getDb));
    describe("orders", () => orderTests(getDb));
    describe("codes", () => codeTests(getDb));
    describe("redemptions", () => redemptionTests(getDb));
    describe("idempotency keys", () => idempotencyTests(getDb));
    describe("webhook events and ledger", () => moneyTests(getDb));
    describe("runAtomic", () => atomicTests(getDb));
    describe("channels, quotas and balances", () => channelTests(getDb));
  });
}
