import { DurableObject } from "cloudflare:workers";
export class CodeLedger extends DurableObject { ping() { return "pong"; } }
export class StockKeeper extends DurableObject {}
export class RateGate extends DurableObject {}
export default { fetch() { return new Response("ok"); } } satisfies ExportedHandler;
