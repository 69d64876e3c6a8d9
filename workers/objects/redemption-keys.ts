import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

export type KeyClaim = "first" | "same_request" | "other_request";

/**
 * Which request each redemption `Idempotency-Key` was first sent with, sharded by a hash of
 * the caller and key (see `redemptionKeysOf`). The code's own `CodeLedger` keeps the answer
 * and replays it; this object only catches the one case a ledger cannot see: the same key sent
 * again with another code, whose ledger never saw the key. One synchronous read and at most
 * one write per claim, so concurrent claims of one key are decided one after another.
 */
export class RedemptionKeys extends DurableObject<Env> {
  claim(scopedKey: string, requestHash: string): KeyClaim {
    const kv = this.ctx.storage.kv;
    const first = kv.get<string>(scopedKey);
    if (first === undefined) {
      kv.put(scopedKey, requestHash);
      return "first";
    }
    return first === requestHash ? "same_request" : "other_request";
  }
}
