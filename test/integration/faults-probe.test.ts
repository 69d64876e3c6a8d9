import { createExecutionContext, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { normalizeCode } from "@tessera/domain";
import { loadConfig } from "../../workers/env";
import { createVault } from "../../workers/services/vault";
import worker from "../../workers/edge";
import { buyAndDeliver, call, createMerchant, createPartner, createProduct, eventually } from "./factories";

it("probe", async () => {
  const m = await createMerchant();
  const v = await createProduct(m, "voucher", { uses: 3 });
  const p = await createPartner(m);
  const { order } = await buyAndDeliver(m, v.skuId);
  const code = order.deliveries[0].code;
  const lk = await createVault(loadConfig(env)).lookupKey(m.id, normalizeCode(code)!);
  const stub = env.CODE_LEDGER.get(env.CODE_LEDGER.idFromName(lk));
  console.log("PROBE typeof worker.queue", typeof worker.queue, typeof (createExecutionContext));
  const r = await call("POST", "/v1/partner/redemptions", { token: p.apiKey, json: { code } });
  console.log("PROBE redeem", r.status);
  const t0 = Date.now();
  const list = await eventually(() => call("GET", "/v1/admin/redemptions", { token: m.adminKey }), (x) => x.body.data.length === 1, 10000);
  console.log("PROBE read model after", Date.now() - t0, list.body.data.length);
  // patch
  const info = await runInDurableObject(stub, (inst: any) => {
    const q = inst.env.EVENTS;
    const d = Object.getOwnPropertyDescriptor(q, "sendBatch");
    const proto = Object.getPrototypeOf(q);
    let ok = true;
    try { q.sendBatch = async () => { throw new Error("boom"); }; } catch (e) { ok = false; }
    return { own: !!d, frozen: Object.isFrozen(q), ok, same: q === (env as any).EVENTS, protoKeys: Object.getOwnPropertyNames(proto) };
  });
  console.log("PROBE patch", JSON.stringify(info));
  const r2 = await call("POST", "/v1/partner/redemptions", { token: p.apiKey, json: { code } });
  console.log("PROBE redeem2", r2.status);
  await new Promise((r) => setTimeout(r, 200));
  console.log("PROBE pending", await stub.pendingEvents());
  const alarm = await runInDurableObject(stub, (_i, s) => s.storage.getAlarm());
  console.log("PROBE alarm at", alarm && alarm - Date.now());
  await runInDurableObject(stub, (inst: any) => { delete inst.env.EVENTS.sendBatch; });
  console.log("PROBE ran alarm", await runDurableObjectAlarm(stub));
  console.log("PROBE pending", await stub.pendingEvents());
  await evictDurableObject(stub);
  console.log("PROBE evicted");
  try { await evictDurableObject(stub); console.log("PROBE evicted twice ok"); } catch (e) { console.log("PROBE evict2 err", String(e)); }
  const r3 = await call("POST", "/v1/partner/redemptions", { token: p.apiKey, json: { code } });
  console.log("PROBE redeem3", r3.status, JSON.stringify(r3.body));
  expect(1).toBe(1);
});
