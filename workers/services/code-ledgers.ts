import { ledgerNameFor } from "@tessera/domain";
import type { Config, Env } from "../env";
import type { CodeLedger } from "../objects/code-ledger";

/** The `CodeLedger` that holds the code with this lookup key, under the configured layout. */
export function codeLedgerOf(
  ctx: { env: Env; config: Config },
  merchantId: string,
  lookupKey: string,
): DurableObjectStub<CodeLedger> {
  const namespace = ctx.env.CODE_LEDGER;
  return namespace.get(namespace.idFromName(ledgerNameFor(merchantId, lookupKey, ctx.config.ledgerLayout)));
}
