import { newRedemptionId } from "@tessera/domain";
import { describe, expect, it } from "vitest";
import { type BalanceAnswer, type BalanceCall, balanceModel } from "../support/balance-model";
import { checkLinearizable, describeFailure, type Operation } from "../support/linearizability";
import { testSetting } from "../support/property";
import { type ApiResponse, call, createMerchant, createPartner, deliveredForm, lookupKeyOf } from "./factories";

type BalanceOp = Operation<BalanceCall, BalanceAnswer>;

const op = (id: number, callAt: number, retAt: number, input: BalanceCall, output: BalanceAnswer): BalanceOp => ({
  id,
  call: callAt,
  ret: retAt,
  input,
  output,
});
const spend = (amount: number) => ({ kind: "redeem", partner: "p1", amount }) as const;

describe("the stored-value model on hand-made histories", () => {
  it("accepts two overlapping spends that fit together, in the order their balances tell", () => {
    const history = [
      op(1, 1, 4, spend(300), { status: 201, id: "r1", balance: 400 }),
      op(2, 2, 5, spend(300), { status: 201, id: "r2", balance: 700 }),
    ];
    const result = checkLinearizable(history, balanceModel(1_000));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.order.map((o) => o.id)).toEqual([2, 1]);
  });

  it("rejects spends that together exceed the balance, and a refusal the balance could have covered", () => {
    const over = [
      op(1, 1, 4, spend(600), { status: 201, id: "r1", balance: 400 }),
      op(2, 2, 5, spend(600), { status: 201, id: "r2", balance: -200 }),
    ];
    expect(checkLinearizable(over, balanceModel(1_000)).ok).toBe(false);
    const wrongRefusal = [op(1, 1, 2, spend(500), { status: 409, code: "insufficient_balance" })];
    expect(checkLinearizable(wrongRefusal, balanceModel(1_000)).ok).toBe(false);
  });

  it("a reversal gives exactly its amount back, once", () => {
    const reverse = { kind: "reverse", partner: "p1", redemptionId: "r1" } as const;
    const history = [
      op(1, 1, 2, spend(700), { status: 201, id: "r1", balance: 300 }),
      op(2, 3, 4, reverse, { status: 200, id: "r1", balance: 1_000 }),
      op(3, 5, 6, reverse, { status: 409, code: "already_reversed" }),
    ];
    expect(checkLinearizable(history, balanceModel(1_000)).ok).toBe(true);
    const tooMuch = [history[0] as BalanceOp, op(2, 3, 4, reverse, { status: 200, id: "r1", balance: 1_100 })];
    expect(checkLinearizable(tooMuch, balanceModel(1_000)).ok).toBe(false);
  });
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function answerOf(input: BalanceCall, res: ApiResponse): BalanceAnswer {
  if (res.status >= 400) return { status: res.status, code: res.body?.code };
  if (input.kind === "verify") return { status: res.status, balance: res.body.balance.remaining.amount };
  return { status: res.status, id: res.body.id, balance: res.body.code.balance.amount };
}

describe("a stored-value storm is linearizable", () => {
  it("12 concurrent clients, 360 verify / partial redeem / reverse calls on two cards: every card's history has a serial explanation", async () => {
    const seed = Number(testSetting("STORM_SEED") ?? Date.now() % 2 ** 31);
    const random = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const merchant = await createMerchant();
    const partners = { p1: await createPartner(merchant), p2: await createPartner(merchant) };
    const cards = await Promise.all(
      [3_000, 1_000].map(async (balance) => {
        const card = await deliveredForm(merchant, { form: "balance", balance });
        return { balance, code: card.code, lookupKey: await lookupKeyOf(merchant.id, card.code) };
      }),
    );
    let clock = 0;
    let next = 0;
    const histories = cards.map(() => [] as BalanceOp[]);
    const known = cards.map(() => [] as { id: string; partner: "p1" | "p2" }[]);
    const failures: string[] = [];

    const runClient = async () => {
      for (let n = 0; n < 30; n++) {
        const c = Math.floor(random() * cards.length);
        const card = cards[c] as (typeof cards)[number];
        const partner = pick(["p1", "p2"] as const);
        const roll = random();
        let input: BalanceCall;
        let send: () => Promise<ApiResponse>;
        if (roll < 0.25) {
          input = { kind: "verify", partner };
          send = () =>
            call("POST", "/v1/partner/verifications", { token: partners[partner].apiKey, json: { code: card.code } });
        } else if (roll < 0.75) {
          const amount = pick([100, 250, 400, 700]);
          input = { kind: "redeem", partner, amount };
          send = () =>
            call("POST", "/v1/partner/redemptions", {
              token: partners[partner].apiKey,
              json: { code: card.code, amount },
            });
        } else {
          const candidates = known[c] as { id: string; partner: "p1" | "p2" }[];
          const chosen = candidates.length > 0 && random() < 0.9 ? pick(candidates) : null;
          const redemptionId = chosen?.id ?? newRedemptionId(card.lookupKey);
          const by = chosen && random() < 0.85 ? chosen.partner : partner;
          input = { kind: "reverse", partner: by, redemptionId };
          send = () => call("POST", `/v1/partner/redemptions/${redemptionId}/reversal`, { token: partners[by].apiKey });
        }
        const id = next++;
        const callAt = ++clock;
        const res = await send();
        const retAt = ++clock;
        if (res.status >= 500) failures.push(`${JSON.stringify(input)} → ${res.status} ${JSON.stringify(res.body)}`);
        const output = answerOf(input, res);
        (histories[c] as BalanceOp[]).push({ id, call: callAt, ret: retAt, input, output });
        if (input.kind === "redeem" && res.status === 201) {
          (known[c] as { id: string; partner: string }[]).push({ id: output.id as string, partner: input.partner });
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, runClient));
    for (const [c, card] of cards.entries()) {
      const input: BalanceCall = { kind: "verify", partner: "p1" };
      const callAt = ++clock;
      const res = await call("POST", "/v1/partner/verifications", {
        token: partners.p1.apiKey,
        json: { code: card.code },
      });
      (histories[c] as BalanceOp[]).push({
        id: next++,
        call: callAt,
        ret: ++clock,
        input,
        output: answerOf(input, res),
      });
    }

    expect(failures, `seed ${seed}`).toEqual([]);
    const show = (o: BalanceOp) =>
      `#${o.id} [${o.call}→${o.ret}] ${JSON.stringify(o.input)} ⇒ ${JSON.stringify(o.output)}`;
    const summary: Record<string, Record<string, number>> = {};
    for (const [c, card] of cards.entries()) {
      const history = histories[c] as BalanceOp[];
      const result = checkLinearizable(history, balanceModel(card.balance));
      expect(result.ok, `seed ${seed}, card ${c}:\n${result.ok ? "" : describeFailure(result, show)}`).toBe(true);
      const outcomes: Record<string, number> = {};
      for (const o of history) {
        const label = `${o.input.kind} ${o.output.status}${o.output.code ? ` ${o.output.code}` : ""}`;
        outcomes[label] = (outcomes[label] ?? 0) + 1;
      }
      summary[`card ${c} (${card.balance})`] = outcomes;
      // The storm exercised the rules: spends, refusals for want of balance, reversals.
      expect(outcomes["redeem 201"] ?? 0, `seed ${seed}`).toBeGreaterThan(0);
      expect(outcomes["redeem 409 insufficient_balance"] ?? 0, `seed ${seed}`).toBeGreaterThan(0);
      expect(outcomes["reverse 200"] ?? 0, `seed ${seed}`).toBeGreaterThan(0);
    }
    console.info(`stored-value storm (seed ${seed})`, JSON.stringify(summary));
  });
});
