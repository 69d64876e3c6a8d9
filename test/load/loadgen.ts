// The load generator: runs in its own process (forked by run.ts) so its event loop never
// shares time with the harness. It receives one plan, drives it at a fixed concurrency over
// keep-alive HTTP/1.1 connections, and answers with the figures.
import { Agent, request } from "node:http";
import { type Summary, summarize } from "./stats.ts";

export interface RequestSpec {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface PlanBase {
  name: string;
  baseUrl: string;
  concurrency: number;
  /** Requests (or flows) started before this are not counted: connections, JIT and caches warm up. */
  warmupMs: number;
  durationMs: number;
}

/** Each request takes the next spec; with `exhaust`, the run ends when the specs run out. */
export interface RequestsPlan extends PlanBase {
  kind: "requests";
  specs: RequestSpec[];
  exhaust?: boolean;
  /** A fresh `Idempotency-Key` on every request, as the API asks clients to send. */
  idempotencyKeys?: boolean;
  expect: number[];
}

/** Buys one unit: order, sandbox payment, then polls the order until its codes are visible. */
export interface CheckoutPlan extends PlanBase {
  kind: "checkout";
  shop: string;
  skuId: string;
  pollMs: number;
}

export type Plan = RequestsPlan | CheckoutPlan;

export interface LoadResult {
  name: string;
  /** Counted requests (or delivered orders for a checkout) per second of the measured window. */
  throughput: number;
  completed: number;
  errors: number;
  /** A few distinct error descriptions with their counts. */
  errorKinds: Record<string, number>;
  windowMs: number;
  latency: Summary;
  /** Checkout only: from the payment call returning to the codes showing on the order. */
  delay?: Summary;
  /** Checkout only: HTTP requests made per delivered order (polls included). */
  requestsPerFlow?: number;
}

interface Reply {
  status: number;
  body: string;
}

function send(agent: Agent, baseUrl: string, spec: RequestSpec): Promise<Reply> {
  const url = new URL(spec.path, baseUrl);
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.body !== undefined) {
    headers["content-type"] ??= "application/json";
    headers["content-length"] = String(Buffer.byteLength(spec.body));
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: spec.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(spec.body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Recorder {
  readonly latencies: number[] = [];
  readonly delays: number[] = [];
  readonly errorKinds: Record<string, number> = {};
  errors = 0;
  /** HTTP requests made by the counted flows (checkout). */
  flowRequests = 0;
  lastEnd = 0;

  constructor(
    readonly measureFrom: number,
    readonly stopAt: number,
  ) {}

  counts(started: number, ended: number): boolean {
    return started >= this.measureFrom && ended <= this.stopAt;
  }

  ok(started: number, ended: number, flow?: { delay: number; requests: number }) {
    if (!this.counts(started, ended)) return;
    this.latencies.push(ended - started);
    if (flow) {
      this.delays.push(flow.delay);
      this.flowRequests += flow.requests;
    }
    this.lastEnd = Math.max(this.lastEnd, ended);
  }

  fail(started: number, ended: number, kind: string) {
    if (!this.counts(started, ended)) return;
    this.errors++;
    this.lastEnd = Math.max(this.lastEnd, ended);
    if (Object.keys(this.errorKinds).length < 8 || kind in this.errorKinds) {
      this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1;
    }
  }
}

const describe = (reply: Reply) => {
  let code = "";
  try {
    code = (JSON.parse(reply.body) as { code?: string }).code ?? "";
  } catch {
    // not JSON
  }
  return `${reply.status}${code ? ` ${code}` : ""}`;
};

async function runRequests(plan: RequestsPlan, agent: Agent, rec: Recorder) {
  let next = 0;
  let seq = 0;
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const user = async () => {
    while (performance.now() < rec.stopAt) {
      if (plan.exhaust && next >= plan.specs.length) return;
      const spec = plan.specs[next++ % plan.specs.length] as RequestSpec;
      const headers = plan.idempotencyKeys
        ? { ...spec.headers, "idempotency-key": `bench-${runId}-${seq++}` }
        : spec.headers;
      const started = performance.now();
      try {
        const reply = await send(agent, plan.baseUrl, { ...spec, headers });
        const ended = performance.now();
        if (plan.expect.includes(reply.status)) rec.ok(started, ended);
        else rec.fail(started, ended, describe(reply));
      } catch (error) {
        rec.fail(started, performance.now(), (error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, user));
}

async function runCheckout(plan: CheckoutPlan, agent: Agent, rec: Recorder) {
  let buyer = 0;
  const user = async () => {
    while (performance.now() < rec.stopAt) {
      const started = performance.now();
      let requests = 0;
      try {
        const order = await send(agent, plan.baseUrl, {
          method: "POST",
          path: `/v1/shops/${plan.shop}/orders`,
          // Every buyer its own email, IP and device, as the shop's risk gates see real buyers.
          headers: {
            "cf-connecting-ip": `10.${(buyer >> 16) & 255}.${(buyer >> 8) & 255}.${buyer & 255}`,
            "x-device-id": `dev_bench_${String(buyer).padStart(12, "0")}`,
          },
          body: JSON.stringify({ email: `buyer${buyer++}@bench.test`, items: [{ skuId: plan.skuId, quantity: 1 }] }),
        });
        requests++;
        if (order.status !== 201) throw new Error(`order ${describe(order)}`);
        const placed = JSON.parse(order.body) as { id: string; accessToken: string; payment: { id: string } };
        const paid = await send(agent, plan.baseUrl, {
          method: "POST",
          path: `/v1/sandbox/payments/${placed.payment.id}/complete`,
          body: JSON.stringify({ outcome: "succeeded" }),
        });
        requests++;
        const webhook = paid.status === 200 ? (JSON.parse(paid.body) as { webhook: { status: number } }).webhook : null;
        if (webhook?.status !== 200) throw new Error(`payment ${describe(paid)} webhook ${webhook?.status}`);
        const paidAt = performance.now();
        for (;;) {
          const view = await send(agent, plan.baseUrl, {
            method: "GET",
            path: `/v1/shops/${plan.shop}/orders/${placed.id}`,
            headers: { authorization: `Bearer ${placed.accessToken}` },
          });
          requests++;
          if (view.status !== 200) throw new Error(`order view ${describe(view)}`);
          const body = JSON.parse(view.body) as { status: string; deliveries: unknown[] };
          if (body.status === "fulfilled" && body.deliveries.length > 0) break;
          if (body.status !== "paid") throw new Error(`order ${body.status}`);
          if (performance.now() - paidAt > 30_000) throw new Error("not delivered within 30 s");
          await sleep(plan.pollMs);
        }
        const ended = performance.now();
        rec.ok(started, ended, { delay: ended - paidAt, requests });
      } catch (error) {
        rec.fail(started, performance.now(), (error as Error).message.slice(0, 120));
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, user));
}

export async function runPlan(plan: Plan): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const start = performance.now();
  const rec = new Recorder(start + plan.warmupMs, start + plan.warmupMs + plan.durationMs);
  if (plan.kind === "requests") await runRequests(plan, agent, rec);
  else await runCheckout(plan, agent, rec);
  agent.destroy();
  // An exhausted pool ends the window early: divide by the time actually measured.
  const windowEnd = performance.now() >= rec.stopAt ? rec.stopAt : rec.lastEnd;
  const windowMs = Math.max(1, windowEnd - rec.measureFrom);
  const completed = rec.latencies.length;
  return {
    name: plan.name,
    throughput: (completed * 1000) / windowMs,
    completed,
    errors: rec.errors,
    errorKinds: rec.errorKinds,
    windowMs,
    latency: summarize(rec.latencies),
    ...(plan.kind === "checkout"
      ? { delay: summarize(rec.delays), requestsPerFlow: completed ? rec.flowRequests / completed : 0 }
      : {}),
  };
}

// Forked by run.ts: one plan in, one result out.
if (process.send) {
  process.once("message", async (plan: Plan) => {
    try {
      process.send?.({ ok: true, result: await runPlan(plan) }, () => process.exit(0));
    } catch (error) {
      process.send?.({ ok: false, error: (error as Error).stack ?? String(error) }, () => process.exit(1));
    }
  });
}
