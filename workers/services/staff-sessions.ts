import {
  auditStatement,
  claimTotpStep,
  deleteSessionStatement,
  findLiveSession,
  findMerchantById,
  findStaffByEmail,
  findStaffMember,
  insertSessionStatement,
  runAtomic,
  type StaffRow,
} from "@tessera/db";
import {
  decodeRfc4648Base32,
  hashPassword,
  newId,
  type Role,
  randomToken,
  sha256Hex,
  verifyPassword,
  verifyTotp,
} from "@tessera/domain";
import type { ServiceContext, StaffCaller } from "../context";
import { ApiError } from "../errors";
import { auditEntry } from "./audit";
import { hashedKey, rateGate } from "./rate-limits";

export const SESSION_COOKIE = "tessera_session";
export const SESSION_TTL_MS = 12 * 3_600_000;
/** Sign-in attempts per email within the window; the next one locks the email for LOCKOUT_MS. */
export const MAX_ATTEMPTS = 5;
const ATTEMPT_WINDOW_MS = 15 * 60_000;
const LOCKOUT_MS = 15 * 60_000;

/** A password hash for an email nobody has, so unknown emails cost the same time as wrong passwords. */
let decoyHash: Promise<string> | null = null;

export interface StaffSession {
  merchantId: string;
  staffId: string;
  role: Role;
  sessionId: string;
  csrfToken: string;
}

export interface SignedIn {
  token: string;
  csrfToken: string;
  expiresAt: number;
  staff: { id: string; email: string; name: string; role: Role; merchantId: string };
}

/** The vault context of a member's TOTP secret: a sealed secret moved to another row will not open. */
export function totpContext(staffId: string): string {
  return `totp:${staffId}`;
}

export async function totpSecretOf(
  ctx: ServiceContext,
  staffId: string,
  sealed: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const secret = decodeRfc4648Base32(await ctx.vault.decrypt(sealed, totpContext(staffId)));
  if (!secret) throw new Error("stored TOTP secret is not base32");
  return secret;
}

/**
 * Signs a member in. Every attempt for an email, known or not, first counts against that email's
 * RateGate (exact and serialized): the sixth attempt inside 15 minutes is refused with 423 and
 * locks the email for 15 minutes, however many attempts run in parallel, and an unknown email
 * locks exactly like a real one. A successful sign-in clears the count. With TOTP on, the right
 * password without a code answers 401 `totp_required` (the attempt still counts).
 */
export async function signIn(
  ctx: ServiceContext,
  input: { email: string; password: string; totp?: string | undefined },
): Promise<SignedIn> {
  const now = Date.now();
  const email = input.email.trim().toLowerCase();
  const gate = rateGate(ctx, await hashedKey("sign-in", email));
  const decision = await gate.attempt(MAX_ATTEMPTS, ATTEMPT_WINDOW_MS, LOCKOUT_MS, now);
  if (!decision.allowed) {
    throw new ApiError("account_locked", "Too many failed sign-ins; try again later", {
      headers: { "retry-after": String(decision.retryAfter) },
    });
  }
  const found = await findStaffByEmail(ctx.db, email);
  const member = found?.status === "active" ? found : null;
  if (!member) {
    decoyHash ??= hashPassword("decoy");
    await verifyPassword(input.password, await decoyHash);
    throw new ApiError("invalid_credentials");
  }
  if (!(await verifyPassword(input.password, member.passwordHash))) throw new ApiError("invalid_credentials");
  if (member.totpSecret) await checkSecondFactor(ctx, member, member.totpSecret, input.totp, now);
  await gate.reset();

  const token = randomToken(32);
  const csrfToken = randomToken(24);
  const expiresAt = now + SESSION_TTL_MS;
  const sessionId = newId("session", now);
  await runAtomic(ctx.db, [
    insertSessionStatement(ctx.db, {
      id: sessionId,
      tokenHash: await sha256Hex(token),
      staffId: member.id,
      merchantId: member.merchantId,
      csrfToken,
      expiresAt,
      createdAt: now,
    }),
    auditStatement(
      ctx.db,
      member.merchantId,
      auditEntry(`staff:${member.id}`, "session.created", sessionId, null, now),
    ),
  ]);
  return {
    token,
    csrfToken,
    expiresAt,
    staff: { id: member.id, email: member.email, name: member.name, role: member.role, merchantId: member.merchantId },
  };
}

async function checkSecondFactor(
  ctx: ServiceContext,
  member: StaffRow,
  sealed: string,
  typed: string | undefined,
  now: number,
): Promise<void> {
  if (!typed) throw new ApiError("totp_required", "Enter the 6-digit code from your authenticator app");
  const step = await verifyTotp(await totpSecretOf(ctx, member.id, sealed), typed, now);
  // A code is good once: a step at or before the last one used is refused, so an overheard code
  // cannot be replayed within its 90 seconds.
  if (step === null || !(await claimTotpStep(ctx.db, member.id, step))) {
    throw new ApiError("invalid_credentials", "The authenticator code is wrong or was already used");
  }
}

export async function sessionFromToken(ctx: ServiceContext, token: string): Promise<StaffSession | null> {
  const row = await findLiveSession(ctx.db, await sha256Hex(token), Date.now());
  return row
    ? {
        sessionId: row.sessionId,
        staffId: row.staffId,
        merchantId: row.merchantId,
        role: row.role,
        csrfToken: row.csrfToken,
      }
    : null;
}

export async function signOut(ctx: ServiceContext, caller: StaffCaller): Promise<void> {
  await runAtomic(ctx.db, [
    deleteSessionStatement(ctx.db, caller.sessionId),
    auditStatement(ctx.db, caller.merchantId, auditEntry(caller, "session.ended", caller.sessionId)),
  ]);
}

/** Who is signed in, their merchant, and the CSRF token their writes must carry. */
export async function describeMe(ctx: ServiceContext, caller: StaffCaller) {
  const [member, merchant] = await Promise.all([
    findStaffMember(ctx.db, caller.merchantId, caller.staffId),
    findMerchantById(ctx.db, caller.merchantId),
  ]);
  if (!member || !merchant) throw new ApiError("unauthorized", "The session has ended; sign in again");
  return {
    staff: {
      id: member.id,
      email: member.email,
      name: member.name,
      role: member.role,
      merchantId: member.merchantId,
      totpEnabled: member.totpSecret !== null,
    },
    merchant: { id: merchant.id, slug: merchant.slug, name: merchant.name, locale: merchant.locale },
    csrfToken: caller.csrfToken,
  };
}
