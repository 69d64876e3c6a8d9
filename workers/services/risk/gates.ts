import {
  type BuyerDimension,
  type CheckoutVerdict,
  checkoutAsk,
  failurePolicy,
  type RiskLimits,
  sha256Hex,
} from "@tessera/domain";
import type { ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import type { RateGate } from "../../objects/rate-gate";
import { rateGate } from "../rate-limits";
import { riskLimitsOf } from "./limits";

/** The identities a checkout is counted against, each named by its hash in its merchant's space. */
export interface Buyer {
  email: string;
  clientIp?: string | null | undefined;
  deviceId?: string | null | undefined;
}

/**
 * One buyer identity: its hash, and the gate that holds it. A merchant's identities of one kind
 * are spread over 256 gates by the hash's first byte, so a storm of new buyers writes to warm
 * objects instead of creating one object per buyer; each identity still lives in one gate,
 * which decides its checkouts one at a time.
 */
type Identity = { dimension: BuyerDimension | "card"; gate: DurableObjectStub<RateGate>; id: string };

async function identity(
  ctx: ServiceContext,
  merchantId: string,
  dimension: Identity["dimension"],
  value: string,
): Promise<Identity> {
  const id = await sha256Hex(value.trim().toLowerCase());
  return { dimension, gate: rateGate(ctx, `risk:${merchantId}:${dimension}:${id.slice(0, 2)}`), id };
}

async function identities(ctx: ServiceContext, merchantId: string, buyer: Buyer) {
  return Promise.all([
    identity(ctx, merchantId, "customer", buyer.email),
    ...(buyer.clientIp ? [identity(ctx, merchantId, "ip", buyer.clientIp)] : []),
    ...(buyer.deviceId ? [identity(ctx, merchantId, "device", buyer.deviceId)] : []),
  ]) as Promise<(Identity & { dimension: BuyerDimension })[]>;
}

const REFUSALS: Record<Exclude<CheckoutVerdict, { ok: true }>["code"], string> = {
  payment_cooldown: "Payments failed too often; try again later",
  rate_limited: "Too many checkout attempts; try again later",
  order_limit_reached: "Too many unpaid orders are open; pay one or wait until one lapses",
  purchase_limit_reached: "This item's purchase limit is reached for now",
};

function refusal(verdicts: CheckoutVerdict[]): ApiError | null {
  const refused = verdicts.flatMap((verdict) => (verdict.ok ? [] : [verdict]));
  const first = refused[0];
  if (!first) return null;
  // Several identities may refuse; the answer names the first (in the gates' order) and the
  // longest wait among those refusing for the same reason.
  const same = refused.filter((verdict) => verdict.code === first.code);
  const waitMs = same.some((verdict) => verdict.retryAfterMs === 0)
    ? 0
    : Math.max(...same.map((verdict) => verdict.retryAfterMs));
  const detail = first.skuId ? `${REFUSALS[first.code]} (${first.skuId})` : REFUSALS[first.code];
  return new ApiError(first.code, detail, {
    ...(waitMs > 0 ? { headers: { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) } } : {}),
  });
}

export interface Admission {
  /** The order was not placed after all (no stock, a failed write): forget it in every gate. */
  undo(): Promise<void>;
}

const ADMITTED: Admission = { undo: async () => {} };

/**
 * The synchronous checkout gates: one RateGate call per identity of the buyer (email, IP,
 * device), all at once, each deciding the attempt rate, the payment cool-down, the cap on
 * unpaid orders and the per-SKU purchase limits for that identity. All admit, or the order is
 * refused with the first refusal's code and Retry-After, and forgotten by the gates that
 * admitted it. Nothing here waits on a queue.
 */
export async function admitCheckout(
  ctx: ServiceContext,
  merchantId: string,
  buyer: Buyer,
  order: { orderId: string; now: number; holdUntil: number; lines: { skuId: string; quantity: number }[] },
): Promise<Admission> {
  if (ctx.config.riskGates === "off") return ADMITTED;
  const limits = await riskLimitsOf(ctx, merchantId);
  const gates = await identities(ctx, merchantId, buyer);
  const lines = foldLines(order.lines);
  const verdicts = await Promise.all(
    gates.map((gate) => gate.gate.admitCheckout(gate.id, checkoutAsk(limits, gate.dimension, { ...order, lines }))),
  );
  const undo = () =>
    Promise.all(gates.map((gate, i) => (verdicts[i]?.ok ? gate.gate.forgetOrder(gate.id, order.orderId) : null))).then(
      () => undefined,
    );
  const refused = refusal(verdicts);
  if (refused) {
    await undo();
    throw refused;
  }
  return { undo };
}

function foldLines(lines: { skuId: string; quantity: number }[]) {
  const folded = new Map<string, number>();
  for (const line of lines) folded.set(line.skuId, (folded.get(line.skuId) ?? 0) + line.quantity);
  return [...folded].map(([skuId, quantity]) => ({ skuId, quantity }));
}

/** A paid order frees its unpaid slot in every gate of its buyer. */
export async function checkoutPaid(ctx: ServiceContext, merchantId: string, orderId: string, buyer: Buyer) {
  if (ctx.config.riskGates === "off") return;
  const gates = await identities(ctx, merchantId, buyer);
  await Promise.all(gates.map((gate) => gate.gate.settleOrder(gate.id, orderId)));
}

/**
 * A failed payment counts against the buyer's email, IP and device and against the card's
 * fingerprint; the order's slot is freed. A card that reaches its limit cools down every buyer
 * identity that tried it too: card testing spreads one card over many emails, and many cards
 * over one device.
 */
export async function checkoutPaymentFailed(
  ctx: ServiceContext,
  merchantId: string,
  orderId: string,
  buyer: Buyer,
  fingerprint: string | null,
) {
  if (ctx.config.riskGates === "off") return;
  const limits: RiskLimits = await riskLimitsOf(ctx, merchantId);
  const now = Date.now();
  const gates = await identities(ctx, merchantId, buyer);
  const card = fingerprint ? await identity(ctx, merchantId, "card", fingerprint) : null;
  const [cardCool] = await Promise.all([
    card ? card.gate.paymentFailed(card.id, now, failurePolicy(limits, "card")) : 0,
    ...gates.map((gate) => gate.gate.paymentFailed(gate.id, now, failurePolicy(limits, gate.dimension), orderId)),
  ]);
  if (cardCool > 0) await Promise.all(gates.map((gate) => gate.gate.coolDown(gate.id, cardCool)));
}
