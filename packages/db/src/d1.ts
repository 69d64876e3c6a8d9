import { drizzle } from "drizzle-orm/d1";
import type { Db } from "./client";
import * as schema from "./schema";

export function d1Database(binding: D1Database | D1DatabaseSession): Db {
  return drizzle(binding as D1Database, { schema }) as unknown as Db;
}
