import type { BatchItem, BatchResponse } from "drizzle-orm/batch";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "./schema";

export type Schema = typeof schema;

/**
 * The one database shape the query helpers take. D1 and libSQL both give drizzle an async
 * SQLite database with `batch`, so every helper runs unchanged on either driver.
 */
export type Db = BaseSQLiteDatabase<"async", unknown, Schema> & {
  batch<U extends BatchItem<"sqlite">, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>>;
};

/**
 * Runs statements as one atomic unit: a D1 batch is a transaction, and so is a libSQL batch.
 * Use it wherever two rows must change together (a payment and its order).
 */
export function runAtomic<U extends BatchItem<"sqlite">, T extends Readonly<[U, ...U[]]>>(
  db: Db,
  statements: T,
): Promise<BatchResponse<T>> {
  return db.batch(statements);
}
