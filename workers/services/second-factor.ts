import {
  claimTotpStep,
  disableTotpStatement,
  enableTotpStatement,
  findStaffMember,
  runAtomic,
  type StaffRow,
  setPendingTotpStatement,
} from "@tessera/db";
import { newTotpSecret, otpauthUrl, verifyTotp } from "@tessera/domain";
import type { ServiceContext, StaffCaller } from "../context";
import { ApiError } from "../errors";
import { audited } from "./audit";
import { enforceLimits } from "./rate-limits";
import { totpContext, totpSecretOf } from "./staff-sessions";

/** Codes typed to confirm or turn off TOTP, per member: enough for typos, far too few to guess. */
const CODE_ATTEMPTS = { limit: 10, windowMs: 15 * 60_000 };

async function member(ctx: ServiceContext, caller: StaffCaller): Promise<StaffRow> {
  const found = await findStaffMember(ctx.db, caller.merchantId, caller.staffId);
  if (!found) throw new ApiError("unauthorized", "The session has ended; sign in again");
  return found;
}

const wrongCode = () =>
  new ApiError("validation_failed", "The code is wrong, expired or already used", {
    errors: [{ path: "code", message: "wrong code" }],
  });

/** Starts enrolment: a new secret, kept sealed as pending until a code from it is confirmed. */
export async function startTotpEnrolment(ctx: ServiceContext, caller: StaffCaller) {
  const me = await member(ctx, caller);
  if (me.totpSecret) throw new ApiError("conflict", "Two-factor sign-in is already on; turn it off first");
  const secret = newTotpSecret();
  await setPendingTotpStatement(ctx.db, me.id, await ctx.vault.encrypt(secret, totpContext(me.id)));
  return { secret, otpauthUrl: otpauthUrl({ issuer: "Tessera", account: me.email, secret }) };
}

/** Turns TOTP on once the member proves their app holds the pending secret. */
export async function confirmTotpEnrolment(ctx: ServiceContext, caller: StaffCaller, code: string) {
  const me = await member(ctx, caller);
  if (me.totpSecret) throw new ApiError("conflict", "Two-factor sign-in is already on");
  if (!me.totpPendingSecret) throw new ApiError("conflict", "Start enrolment first");
  await enforceLimits(ctx, [{ key: `totp:${me.id}`, ...CODE_ATTEMPTS }]);
  const step = await verifyTotp(await totpSecretOf(ctx, me.id, me.totpPendingSecret), code, Date.now());
  if (step === null) throw wrongCode();
  await runAtomic(ctx.db, [
    enableTotpStatement(ctx.db, me.id, me.totpPendingSecret, step),
    audited(ctx, caller, "totp.enabled", me.id),
  ]);
  return { totpEnabled: true as const };
}

/** Turns TOTP off; it takes a current code, so a session left open is not enough. */
export async function disableTotp(ctx: ServiceContext, caller: StaffCaller, code: string) {
  const me = await member(ctx, caller);
  if (!me.totpSecret) throw new ApiError("conflict", "Two-factor sign-in is not on");
  await enforceLimits(ctx, [{ key: `totp:${me.id}`, ...CODE_ATTEMPTS }]);
  const step = await verifyTotp(await totpSecretOf(ctx, me.id, me.totpSecret), code, Date.now());
  if (step === null || !(await claimTotpStep(ctx.db, me.id, step))) throw wrongCode();
  await runAtomic(ctx.db, [
    disableTotpStatement(ctx.db, me.id, me.totpSecret),
    audited(ctx, caller, "totp.disabled", me.id),
  ]);
  return { totpEnabled: false as const };
}
