import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import type { Db } from "./client";
import * as schema from "./schema";

/** The second driver: a libSQL (Turso) database, or a local `file:` one, on the same schema. */
export function libsqlDatabase(urlOrClient: string | Client, authToken?: string): Db {
  const client = typeof urlOrClient === "string" ? createClient({ url: urlOrClient, authToken }) : urlOrClient;
  return drizzle(client, { schema }) as unknown as Db;
}
