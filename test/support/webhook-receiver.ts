// A reseller's webhook receiver, as a real HTTP server in Node: it verifies each delivery's
// signature itself (node:crypto over the exact bytes it received, not our signing code) and
// keeps what it got, so tests can ask it what arrived and whether it was genuine. An endpoint
// can be told to fail its first answers, to see retries.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  eventId: string | undefined;
  eventType: string | undefined;
  signature: string | undefined;
  body: string;
  /** The signature matched the endpoint's secret over `t.body`, with a fresh timestamp. */
  verified: boolean;
  answered: number;
  at: number;
}

interface Endpoint {
  secret: string;
  failFirst: number;
  received: Received[];
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function verify(secret: string, header: string | undefined, body: string, nowSeconds: number): boolean {
  const parts = Object.fromEntries((header ?? "").split(",").map((piece) => piece.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isSafeInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function startWebhookReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const endpoints = new Map<string, Endpoint>();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://receiver");
    const [, area, name, what] = url.pathname.split("/");
    const body = await readBody(request);
    const reply = (status: number, payload: unknown = {}) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(payload));
    };
    if (area === "endpoints" && name && request.method === "PUT") {
      const { secret, failFirst = 0 } = JSON.parse(body) as { secret: string; failFirst?: number };
      endpoints.set(name, { secret, failFirst, received: endpoints.get(name)?.received ?? [] });
      return reply(204);
    }
    if (area === "endpoints" && name && what === "received" && request.method === "GET") {
      return reply(200, endpoints.get(name)?.received ?? []);
    }
    if (area === "hooks" && name && request.method === "POST") {
      const endpoint = endpoints.get(name);
      if (!endpoint) return reply(404);
      const signature = request.headers["tessera-signature"] as string | undefined;
      const failing = endpoint.received.length < endpoint.failFirst;
      const answered = failing ? 500 : 200;
      endpoint.received.push({
        eventId: request.headers["tessera-event-id"] as string | undefined,
        eventType: request.headers["tessera-event-type"] as string | undefined,
        signature,
        body,
        verified: verify(endpoint.secret, signature, body, Math.floor(Date.now() / 1000)),
        answered,
        at: Date.now(),
      });
      return reply(answered);
    }
    reply(404);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
