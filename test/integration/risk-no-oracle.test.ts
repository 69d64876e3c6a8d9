import { generateVoucherCode } from "@tessera/domain";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiResponse, call, createMerchant, createPartner, deliveredVoucher } from "./factories";

/**
 * A guesser learns nothing from the answer: an unknown code, another merchant's real code and
 * a malformed one answer the same bytes (apart from the request id) in about the same time.
 */
describe("partner look-ups are no oracle", () => {
  let partner: { apiKey: string };
  let foreignCode: string;

  beforeAll(async () => {
    const merchant = await createMerchant();
    partner = await createPartner(merchant);
    foreignCode = (await deliveredVoucher(await createMerchant(), { uses: 1 })).code;
  });

  const kinds = {
    unknown: () => generateVoucherCode(),
    foreign: () => foreignCode,
    malformed: () => "not a code!",
    wrongCheckSymbol: () => `${generateVoucherCode().slice(0, -1)}${"0"}`,
  };

  const send = (path: string, code: string) =>
    call("POST", path, {
      token: partner.apiKey,
      json: { code },
      headers: {
        "cf-connecting-ip": "203.0.113.99",
        ...(path.endsWith("redemptions") ? { "idempotency-key": crypto.randomUUID() } : {}),
      },
    });

  /** What a caller sees: status, the headers that vary by request removed, and the body without its request id. */
  const visible = (res: ApiResponse) => {
    const { requestId, ...body } = res.body as Record<string, unknown>;
    expect(requestId).toMatch(/^req_/);
    const headers = [...res.headers].filter(([name]) => name !== "x-request-id" && name !== "date");
    return JSON.stringify({ status: res.status, headers, body });
  };

  for (const path of ["/v1/partner/verifications", "/v1/partner/redemptions"]) {
    it(`${path}: unknown, foreign, malformed and mistyped codes answer byte-identical 404s`, async () => {
      const answers = await Promise.all(Object.values(kinds).map((code) => send(path, code())));
      const [first, ...rest] = answers.map(visible);
      expect(answers[0]?.status).toBe(404);
      expect(answers[0]?.body.code).toBe("code_not_found");
      for (const other of rest) expect(other).toBe(first);
    });
  }

  it("and in similar time: the medians of 40 interleaved calls of each kind stay within a generous bound", async () => {
    const times: Record<string, number[]> = { unknown: [], foreign: [], malformed: [], wrongCheckSymbol: [] };
    for (let round = 0; round < 40; round++) {
      for (const [kind, code] of Object.entries(kinds)) {
        const started = performance.now();
        const res = await send("/v1/partner/verifications", code());
        times[kind]?.push(performance.now() - started);
        expect(res.status).toBe(404);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const medians = Object.values(times).map(median);
    const fastest = Math.min(...medians);
    // Generous on purpose (the machine is shared): an oracle shows as a different path, which
    // would be a multiple of a look-up, not noise.
    for (const value of medians) expect(value).toBeLessThan(fastest * 3 + 15);
  }, 120_000);
});
