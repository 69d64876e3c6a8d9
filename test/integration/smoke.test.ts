import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
it("works", async () => {
  const r = await exports.default.fetch("http://x/");
  expect(await r.text()).toBe("ok");
  const stub = env.CODE_LEDGER.get(env.CODE_LEDGER.idFromName("a"));
  expect(await stub.ping()).toBe("pong");
});
