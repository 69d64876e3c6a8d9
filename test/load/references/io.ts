// Two more references for the other storage the API uses: one D1 insert per request, and one
// queue send per request (its consumer acknowledges, so the queue does not grow).
interface IoEnv {
  REF_DB: D1Database;
  REF_QUEUE: Queue;
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/d1") {
      await env.REF_DB.prepare("INSERT INTO writes (at) VALUES (?)").bind(Date.now()).run();
      return Response.json({ ok: true });
    }
    if (pathname === "/queue") {
      await env.REF_QUEUE.send({ at: Date.now() }, { contentType: "json" });
      return Response.json({ ok: true });
    }
    return new Response("not found", { status: 404 });
  },

  async queue(batch) {
    batch.ackAll();
  },
} satisfies ExportedHandler<IoEnv>;
