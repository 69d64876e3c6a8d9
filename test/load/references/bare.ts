// The HTTP ceiling: one Hono route answering JSON, nothing else. Every Tessera figure is read
// against it: what a request costs before any routing table, middleware, storage or crypto.
import { Hono } from "hono";

const app = new Hono();
app.get("/", (c) => c.json({ ok: true }));

export default app;
