import { DEFAULT_RISK_LIMITS, generateVoucherCode } from "@tessera/domain";
import { describe, expect, it } from "vitest";
import {
  type ApiResponse,
  call,
  createMerchant,
  createPartner,
  deliveredVoucher,
  setRiskLimits,
  tally,
} from "./factories";

/** Partner calls as they arrive from the internet: Cloudflare names the caller's IP. */
const fromIp = (ip: string) => ({ "cf-connecting-ip": ip });
const verifyFrom = (partner: { apiKey: string }, code: string, ip: string) =>
  call("POST", "/v1/partner/verifications", { token: partner.apiKey, json: { code }, headers: fromIp(ip) });
const redeemFrom = (partner: { apiKey: string }, code: string, ip: string) =>
  call("POST", "/v1/partner/redemptions", {
    token: partner.apiKey,
    json: { code },
    headers: { ...fromIp(ip), "idempotency-key": crypto.randomUUID() },
  });

/** Sends `count` calls, `wave` at a time (every call of a wave in flight at once). */
async function inWaves(count: number, wave: number, send: (i: number) => Promise<ApiResponse>) {
  const answers: ApiResponse[] = [];
  for (let start = 0; start < count; start += wave) {
    const size = Math.min(wave, count - start);
    answers.push(...(await Promise.all(Array.from({ length: size }, (_, j) => send(start + j)))));
  }
  return answers;
}

const lookupLimits = (lookups: Partial<typeof DEFAULT_RISK_LIMITS.lookups>) => ({
  ...DEFAULT_RISK_LIMITS,
  lookups: { ...DEFAULT_RISK_LIMITS.lookups, ...lookups },
});

describe("attack: guessing codes through a partner key", () => {
  it("20,000 random guesses from 200 IPs against one key find no valid code: exactly 500 look-ups, then lockout", async () => {
    const merchant = await createMerchant({ riskLimits: "defaults" });
    const { code } = await deliveredVoucher(merchant, { uses: 1 });
    const stolen = await createPartner(merchant);
    const honest = await createPartner(merchant);
    await setRiskLimits(merchant, lookupLimits({ failuresPerPartnerKey: 500, failuresPerIp: 50, lockoutMinutes: 15 }));

    const answers = await inWaves(20_000, 400, (i) => {
      const ip = `198.51.${Math.floor((i % 200) / 100)}.${i % 100}`;
      const guess = generateVoucherCode();
      return i % 2 === 0 ? verifyFrom(stolen, guess, ip) : redeemFrom(stolen, guess, ip);
    });

    // The key's gate admits exactly its limit of look-ups; every other guess is refused unread.
    expect(tally(answers)).toEqual({ "404 code_not_found": 500, "429 rate_limited": 19_500 });
    const waits = answers.filter((res) => res.status === 429).map((res) => Number(res.headers.get("retry-after")));
    expect(waits.every((wait) => Number.isInteger(wait) && wait >= 1 && wait <= 15 * 60)).toBe(true);
    // Locked out: even the real code is refused through the stolen key, and it is not used.
    const locked = await verifyFrom(stolen, code, "198.51.7.7");
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe("rate_limited");
    // Another partner of the merchant, from its own IP, is untouched, and the code is intact.
    const check = await verifyFrom(honest, code, "203.0.113.10");
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ valid: true, remainingUses: 1 });
  }, 300_000);

  it("guesses from one IP through many keys lock that IP out after exactly its limit", async () => {
    const merchant = await createMerchant({ riskLimits: "defaults" });
    await setRiskLimits(merchant, lookupLimits({ failuresPerPartnerKey: 1000, failuresPerIp: 40 }));
    const keys = await Promise.all(Array.from({ length: 5 }, () => createPartner(merchant)));
    const answers = await inWaves(500, 250, (i) =>
      verifyFrom(keys[i % keys.length] as { apiKey: string }, generateVoucherCode(), "192.0.2.66"),
    );
    expect(tally(answers)).toEqual({ "404 code_not_found": 40, "429 rate_limited": 460 });
    // The keys themselves are not locked: from another IP they look up again.
    const elsewhere = await verifyFrom(keys[0] as { apiKey: string }, generateVoucherCode(), "192.0.2.67");
    expect(elsewhere.body.code).toBe("code_not_found");
  }, 120_000);

  it("an honest busy partner under the default limits: 1,200 calls in a minute from one key and IP, with typos, never lock out", async () => {
    const merchant = await createMerchant({ riskLimits: "defaults" });
    const partner = await createPartner(merchant);
    const codes = await Promise.all(Array.from({ length: 4 }, () => deliveredVoucher(merchant, { uses: 1000 })));
    const ip = "203.0.113.200";
    // A chain of stores behind one egress IP: 1,200 verifications and redemptions, 50 at a
    // time, one in 40 a typo (an unknown code). The default allows 300 failed look-ups per 10 min.
    const answers = await inWaves(1200, 50, (i) => {
      if (i % 40 === 39) return verifyFrom(partner, generateVoucherCode(), ip);
      const { code } = codes[i % codes.length] as { code: string };
      return i % 3 === 0 ? redeemFrom(partner, code, ip) : verifyFrom(partner, code, ip);
    });
    expect(tally(answers)).toEqual({ "200": 780, "201": 390, "404 code_not_found": 30 });
    expect((await verifyFrom(partner, (codes[0] as { code: string }).code, ip)).status).toBe(200);
  }, 300_000);
});
