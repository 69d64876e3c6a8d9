import { newRedemptionId } from "@tessera/domain";
import { describe, expect, it } from "vitest";
import { checkLinearizable, describeFailure, type Operation, type SequentialModel } from "../support/linearizability";
import { testSetting } from "../support/property";
import { type CodeAnswer, type CodeCall, codeModel } from "../support/redemption-model";
import {
  type ApiResponse,
  call,
  createMerchant,
  createPartner,
  d1Rows,
  deliveredVoucher,
  eventually,
  ledgerViewOf,
  lookupKeyOf,
} from "./factories";

type CodeOp = Operation<CodeCall, CodeAnswer>;

/** Builds an operation of a hand-made history. */
const op = (id: number, callAt: number, retAt: number, input: CodeCall, output: CodeAnswer): CodeOp => ({
  id,
  call: callAt,
  ret: retAt,
  input,
  output,
});
const redeemed = (id: string, remainingUses: number, replayed = false): CodeAnswer => ({
  status: 201,
  id,
  remainingUses,
  codeStatus: remainingUses > 0 ? "active" : "redeemed",
  replayed,
});
const refused: CodeAnswer = { status: 409, code: "code_already_redeemed" };
const seen = (remainingUses: number): CodeAnswer => ({
  status: 200,
  remainingUses,
  codeStatus: remainingUses > 0 ? "active" : "redeemed",
});
const R = { kind: "redeem", partner: "p1" } as const;
const V = { kind: "verify", partner: "p1" } as const;

describe("the linearizability checker on hand-made histories", () => {
  it("accepts a single-use history whose verification overlaps the redemption and saw the code still unused", () => {
    const history = [
      op(1, 1, 4, R, redeemed("r1", 0)),
      op(2, 2, 5, R, refused),
      op(3, 3, 6, V, seen(1)),
      op(4, 7, 8, V, seen(0)),
    ];
    const result = checkLinearizable(history, codeModel(1));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.order.map((o) => o.id)).toEqual([3, 1, 2, 4]);
  });

  it("rejects two successes on a single-use code with no reversal", () => {
    const history = [op(1, 1, 3, R, redeemed("r1", 0)), op(2, 2, 4, R, redeemed("r2", 0))];
    const result = checkLinearizable(history, codeModel(1));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.inconclusive).toBe(false);
      expect(describeFailure(result)).toContain("not linearizable");
    }
  });

  it("rejects a verification that returned the old state after a redemption had already answered", () => {
    const history = [op(1, 1, 2, R, redeemed("r1", 0)), op(2, 3, 4, V, seen(1))];
    expect(checkLinearizable(history, codeModel(1)).ok).toBe(false);
    // The same answers overlapping in time are fine: the verification may have come first.
    const overlapping = [op(1, 1, 3, R, redeemed("r1", 0)), op(2, 2, 4, V, seen(1))];
    expect(checkLinearizable(overlapping, codeModel(1)).ok).toBe(true);
  });

  it("a reversal explains a second success only when it may have come before it", () => {
    const reverse = { kind: "reverse", partner: "p1", redemptionId: "r1" } as const;
    const reversedAnswer = { status: 200, id: "r1", remainingUses: 1, codeStatus: "active" };
    const explained = [
      op(1, 1, 2, R, redeemed("r1", 0)),
      op(2, 3, 6, reverse, reversedAnswer),
      op(3, 4, 7, R, redeemed("r2", 0)),
    ];
    expect(checkLinearizable(explained, codeModel(1)).ok).toBe(true);
    const tooLate = [
      op(1, 1, 2, R, redeemed("r1", 0)),
      op(3, 3, 4, R, redeemed("r2", 0)),
      op(2, 5, 6, reverse, reversedAnswer),
    ];
    expect(checkLinearizable(tooLate, codeModel(1)).ok).toBe(false);
    // Reversing twice: the second must be refused; another partner's attempt is "not found".
    const twice = [
      op(1, 1, 2, R, redeemed("r1", 0)),
      op(2, 3, 4, reverse, reversedAnswer),
      op(3, 5, 6, reverse, { status: 409, code: "already_reversed" }),
      op(4, 5, 6, { ...reverse, partner: "p2" }, { status: 404, code: "not_found" }),
    ];
    expect(checkLinearizable(twice, codeModel(1)).ok).toBe(true);
    const stolen = [op(1, 1, 2, R, redeemed("r1", 0)), op(2, 3, 4, { ...reverse, partner: "p2" }, reversedAnswer)];
    expect(checkLinearizable(stolen, codeModel(1)).ok).toBe(false);
  });

  it("five overlapping redemptions of a 5-use card must each see a distinct count of uses left", () => {
    const distinct = [3, 0, 4, 1, 2].map((left, i) => op(i, i, 20 + i, R, redeemed(`r${i}`, left)));
    expect(checkLinearizable(distinct, codeModel(5)).ok).toBe(true);
    const repeated = [3, 3, 4, 1, 2].map((left, i) => op(i, i, 20 + i, R, redeemed(`r${i}`, left)));
    expect(checkLinearizable(repeated, codeModel(5)).ok).toBe(false);
    // A sixth success is never explained, however the operations overlap.
    const six = [4, 3, 2, 1, 0, 0].map((left, i) => op(i, i, 20 + i, R, redeemed(`r${i}`, left)));
    expect(checkLinearizable(six, codeModel(5)).ok).toBe(false);
  });

  it("an Idempotency-Key replays its first answer; another body is refused; a new id under the key is not explained", () => {
    const K = { ...R, key: "k1" };
    const ok = [
      op(1, 1, 2, K, redeemed("r1", 2)),
      op(2, 3, 4, K, redeemed("r1", 2, true)),
      op(3, 3, 4, { ...K, location: "elsewhere" }, { status: 422, code: "idempotency_key_reused" }),
      op(4, 3, 4, R, redeemed("r2", 1)),
    ];
    expect(checkLinearizable(ok, codeModel(3)).ok).toBe(true);
    const secondUse = [op(1, 1, 2, K, redeemed("r1", 2)), op(2, 3, 4, K, redeemed("r2", 1))];
    expect(checkLinearizable(secondUse, codeModel(3)).ok).toBe(false);
  });

  it("hundreds of overlapping refusals and reads settle without an exponential search", () => {
    const history: CodeOp[] = [op(0, 0, 1, R, redeemed("r0", 0))];
    for (let i = 1; i <= 400; i++) history.push(op(i, 2 + i, 1_000 + i, i % 2 ? R : V, i % 2 ? refused : seen(0)));
    const result = checkLinearizable(history, codeModel(1));
    expect(result.ok).toBe(true);
    expect(result.explored).toBeLessThan(1_000);
  });

  it("finds the classic stale read of a register (checker independent of the code model)", () => {
    type RegisterCall = { write: number } | { read: true };
    const register: SequentialModel<number, RegisterCall, number | null> = {
      init: 0,
      key: String,
      step: (state, input, output) => ("write" in input ? input.write : output === state ? state : null),
    };
    const w = (id: number, a: number, b: number, v: number) => ({
      id,
      call: a,
      ret: b,
      input: { write: v },
      output: null,
    });
    const r = (id: number, a: number, b: number, v: number) => ({
      id,
      call: a,
      ret: b,
      input: { read: true } as const,
      output: v,
    });
    expect(checkLinearizable([w(1, 0, 10, 1), r(2, 1, 2, 1), r(3, 3, 4, 0)], register).ok).toBe(false);
    expect(checkLinearizable([w(1, 0, 10, 1), r(2, 1, 2, 0), r(3, 3, 4, 1)], register).ok).toBe(true);
    expect(checkLinearizable([w(1, 0, 1, 1), w(2, 2, 5, 2), r(3, 3, 4, 2), r(4, 6, 7, 1)], register).ok).toBe(false);
  });
});

/** A seeded generator, so a failing storm can be replayed with VITE_STORM_SEED. */
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

/** The most operations of a history that were in flight at one moment. */
function maxInFlight(history: readonly CodeOp[]): number {
  const edges = history.flatMap((o) => [
    [o.call, 1],
    [o.ret, -1],
  ]);
  edges.sort((a, b) => (a[0] as number) - (b[0] as number));
  let now = 0;
  let most = 0;
  for (const [, delta] of edges) {
    now += delta as number;
    most = Math.max(most, now);
  }
  return most;
}

function answerOf(input: CodeCall, res: ApiResponse): CodeAnswer {
  const replayed = res.headers.get("idempotent-replayed") === "true";
  if (res.status >= 400) return { status: res.status, code: res.body?.code, ...(replayed ? { replayed } : {}) };
  if (input.kind === "verify")
    return { status: res.status, remainingUses: res.body.remainingUses, codeStatus: res.body.status };
  return {
    status: res.status,
    id: res.body.id,
    remainingUses: res.body.code.remainingUses,
    codeStatus: res.body.code.status,
    ...(input.kind === "redeem" ? { replayed } : {}),
  };
}

describe("a redemption storm is linearizable", () => {
  it("16 concurrent clients, 640 verify / redeem / reverse calls on four codes (1, 1, 3 and 5 uses): every code's history has a serial explanation", async () => {
    const seed = Number(testSetting("STORM_SEED") ?? Date.now() % 2 ** 31);
    const random = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const merchant = await createMerchant();
    const other = await createMerchant();
    const partners = { p1: await createPartner(merchant), p2: await createPartner(merchant) };
    const foreignPartner = await createPartner(other);
    const codes = await Promise.all(
      [1, 1, 3, 5].map(async (uses) => {
        const voucher = await deliveredVoucher(merchant, { uses });
        return { uses, code: voucher.code, lookupKey: await lookupKeyOf(merchant.id, voucher.code) };
      }),
    );

    // One logical clock for the whole run: the test is one thread, so "returned before invoked"
    // is exactly the order in which these numbers are taken.
    let clock = 0;
    const histories = codes.map(() => [] as CodeOp[]);
    const known = codes.map(() => [] as { id: string; partner: "p1" | "p2" }[]);
    const failures: string[] = [];
    let next = 0;

    const CLIENTS = 16;
    const PER_CLIENT = 40;
    const runClient = async () => {
      for (let n = 0; n < PER_CLIENT; n++) {
        const c = Math.floor(random() * codes.length);
        const target = codes[c] as (typeof codes)[number];
        const partnerName = pick(["p1", "p2"] as const);
        const roll = random();
        let input: CodeCall;
        let send: () => Promise<ApiResponse>;
        if (roll < 0.05) {
          input = { kind: pick(["verify", "redeem"] as const), partner: "foreign", foreign: true };
          const path = input.kind === "verify" ? "/v1/partner/verifications" : "/v1/partner/redemptions";
          send = () => call("POST", path, { token: foreignPartner.apiKey, json: { code: target.code } });
        } else if (roll < 0.33) {
          input = { kind: "verify", partner: partnerName };
          send = () =>
            call("POST", "/v1/partner/verifications", {
              token: partners[partnerName].apiKey,
              json: { code: target.code },
            });
        } else if (roll < 0.75) {
          const withKey = random() < 0.3;
          const location = random() < 0.5 ? undefined : pick(["store-1", "store-2"]);
          const key = withKey ? `k${Math.floor(random() * 3)}-${c}` : undefined;
          input = {
            kind: "redeem",
            partner: partnerName,
            ...(key ? { key } : {}),
            ...(location ? { location } : {}),
          };
          send = () =>
            call("POST", "/v1/partner/redemptions", {
              token: partners[partnerName].apiKey,
              json: { code: target.code, ...(location ? { location } : {}) },
              headers: key ? { "idempotency-key": key } : {},
            });
        } else {
          const candidates = known[c] as { id: string; partner: "p1" | "p2" }[];
          const chosen = candidates.length > 0 && random() < 0.9 ? pick(candidates) : null;
          // Mostly the caller's own redemptions, sometimes the other partner's, sometimes an id
          // that points at this code's ledger but was never issued.
          const redemptionId = chosen?.id ?? newRedemptionId(target.lookupKey);
          const by = chosen && random() < 0.8 ? chosen.partner : partnerName;
          input = { kind: "reverse", partner: by, redemptionId };
          send = () => call("POST", `/v1/partner/redemptions/${redemptionId}/reversal`, { token: partners[by].apiKey });
        }
        const id = next++;
        const callAt = ++clock;
        const res = await send();
        const retAt = ++clock;
        if (res.status >= 500) failures.push(`${JSON.stringify(input)} → ${res.status} ${JSON.stringify(res.body)}`);
        const output = answerOf(input, res);
        (histories[c] as CodeOp[]).push({ id, call: callAt, ret: retAt, input, output });
        if (input.kind === "redeem" && res.status === 201 && !output.replayed) {
          (known[c] as { id: string; partner: string }[]).push({ id: output.id as string, partner: input.partner });
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, runClient));

    // After the storm, each code's final state is read once more: the serial order must end there.
    for (const [c, target] of codes.entries()) {
      const callAt = ++clock;
      const res = await call("POST", "/v1/partner/verifications", {
        token: partners.p1.apiKey,
        json: { code: target.code },
      });
      const input: CodeCall = { kind: "verify", partner: "p1" };
      (histories[c] as CodeOp[]).push({ id: next++, call: callAt, ret: ++clock, input, output: answerOf(input, res) });
    }

    expect(failures, `seed ${seed}`).toEqual([]);
    expect(histories.flat()).toHaveLength(CLIENTS * PER_CLIENT + codes.length);

    const show = (o: CodeOp) =>
      `#${o.id} [${o.call}→${o.ret}] ${JSON.stringify(o.input)} ⇒ ${JSON.stringify(o.output)}`;
    const summary: Record<string, Record<string, number>> = {};
    for (const [c, target] of codes.entries()) {
      const history = histories[c] as CodeOp[];
      const result = checkLinearizable(history, codeModel(target.uses));
      expect(
        result.ok,
        `seed ${seed}, code ${c} (${target.uses} uses):\n${result.ok ? "" : describeFailure(result, show)}`,
      ).toBe(true);
      if (!result.ok) continue;
      const outcomes: Record<string, number> = {};
      for (const o of history) {
        const label = `${o.input.kind} ${o.output.status}${o.output.code ? ` ${o.output.code}` : ""}${o.output.replayed ? " replayed" : ""}`;
        outcomes[label] = (outcomes[label] ?? 0) + 1;
      }
      summary[`code ${c} (${target.uses} uses)`] = { ...outcomes, "max in flight": maxInFlight(history) };
      // The storm exercised the policy: uses taken, refusals, reversals.
      expect(outcomes["redeem 201"] ?? 0, `seed ${seed}`).toBeGreaterThanOrEqual(target.uses);
      expect(outcomes["redeem 409 code_already_redeemed"] ?? 0, `seed ${seed}`).toBeGreaterThan(0);
      expect(outcomes["reverse 200"] ?? 0, `seed ${seed}`).toBeGreaterThan(0);
      // "In use" is only ever the answer while another request with the same key was running.
      for (const o of history) {
        if (o.output.code !== "idempotency_key_in_use" || o.input.kind !== "redeem") continue;
        const input = o.input;
        const overlapping = history.some(
          (p) =>
            p !== o &&
            p.input.kind === "redeem" &&
            p.input.key === input.key &&
            p.input.partner === input.partner &&
            p.call < o.ret &&
            o.call < p.ret,
        );
        expect(overlapping, `seed ${seed}: ${show(o)} had no concurrent request with its key`).toBe(true);
      }

      // The read model, once the ledger's events are in, holds exactly the serial order's redemptions.
      const final = result.final;
      const view = await ledgerViewOf(merchant.id, target.code);
      expect(view?.remainingUses).toBe(final.remaining);
      const expected = Object.entries(final.redemptions)
        .map(([id, r]) => [id, r.reversed ? "reversed" : "completed"])
        .sort();
      const rows = await eventually(
        async () =>
          (
            await d1Rows<{ id: string; status: string }>(
              "SELECT id, status FROM redemptions WHERE code_id = ? ORDER BY id",
              view?.codeId,
            )
          ).map((row) => [row.id, row.status]),
        (found) => JSON.stringify(found) === JSON.stringify(expected),
        15_000,
      );
      expect(rows).toEqual(expected);
    }
    console.info(`redemption storm (seed ${seed})`, JSON.stringify(summary));
  });
});
