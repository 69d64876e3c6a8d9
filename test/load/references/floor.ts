// The storage floor: one Durable Object RPC that makes one SQLite write, per request. A
// redemption cannot be cheaper than this (it is at least one object call and one write), so
// the API's own layers are measured as a share of it.
//   /new   a new object per request (as a redemption of a code nobody touched lately)
//   /warm  one of eight objects that stay in memory (as a handful of hot codes)
//   /one   always the same object (as one hot code: every write waits for the one before)
// With `?outbox`, the write follows the pattern of Tessera's objects instead: the row and an
// outbox row in one transaction, an alarm set as the retry path, then after the answer the
// outbox sent to a queue, deleted, and the alarm cleared. That prices the pattern itself.
import { DurableObject } from "cloudflare:workers";

interface FloorEnv {
  FLOOR: DurableObjectNamespace<Floor>;
  OUTBOX: Queue;
}

export class Floor extends DurableObject<FloorEnv> {
  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS writes (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL)");
  }

  write(at: number): { ok: true } {
    this.ctx.storage.sql.exec("INSERT INTO writes (at) VALUES (?)", at);
    return { ok: true };
  }

  writeWithOutbox(at: number): { ok: true } {
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)");
      sql.exec("INSERT INTO writes (at) VALUES (?)", at);
      sql.exec("INSERT INTO outbox (body) VALUES (?)", JSON.stringify({ type: "written", at }));
    });
    void this.ctx.storage.setAlarm(Date.now() + 5_000);
    this.ctx.waitUntil(this.#flush());
    return { ok: true };
  }

  async #flush(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const rows = sql
      .exec<{ seq: number; body: string }>("SELECT seq, body FROM outbox ORDER BY seq LIMIT 100")
      .toArray();
    const last = rows[rows.length - 1];
    if (last) {
      await this.env.OUTBOX.sendBatch(
        rows.map((row) => ({ body: JSON.parse(row.body), contentType: "json" as const })),
      );
      sql.exec("DELETE FROM outbox WHERE seq <= ?", last.seq);
    }
    await this.ctx.storage.deleteAlarm();
  }

  override async alarm(): Promise<void> {
    await this.#flush();
  }
}

const WARM_OBJECTS = 8;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    let name: string;
    if (url.pathname === "/new") name = crypto.randomUUID();
    else if (url.pathname === "/warm") name = `warm-${Math.floor(Math.random() * WARM_OBJECTS)}`;
    else if (url.pathname === "/one") name = "one";
    else return new Response("not found", { status: 404 });
    const stub = env.FLOOR.get(env.FLOOR.idFromName(name));
    const result = url.searchParams.has("outbox")
      ? await stub.writeWithOutbox(Date.now())
      : await stub.write(Date.now());
    return Response.json(result);
  },
} satisfies ExportedHandler<FloorEnv>;
