import { sessions, staff } from "@tessera/db/schema";
import { hashPassword, newId, randomToken, sha256Hex, verifyPassword } from "@tessera/domain";
import { and, eq, gt } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { ApiError } from "../errors";

export const SESSION_COOKIE = "tessera_session";
export const SESSION_TTL_MS = 12 * 3_600_000;
const MAX_FAILURES = 5;
const LOCKOUT_MS = 15 * 60_000;

/** A password hash for an email nobody has, so unknown emails cost the same time as wrong passwords. */
let decoyHash: Promise<string> | null = null;

export interface StaffSession {
  merchantId: string;
  staffId: string;
  role: string;
  sessionId: string;
  csrfToken: string;
}

export interface SignedIn {
  token: string;
  csrfToken: string;
  expiresAt: number;
  staff: { id: string; email: string; name: string; role: string; merchantId: string };
}

export async function signIn(ctx: ServiceContext, input: { email: string; password: string }): Promise<SignedIn> {
  const now = Date.now();
  const email = input.email.trim().toLowerCase();
  const member = await ctx.db.select().from(staff).where(eq(staff.email, email)).get();
  if (!member) {
    decoyHash ??= hashPassword("decoy");
    await verifyPassword(input.password, await decoyHash);
    throw new ApiError("invalid_credentials");
  }
  if (member.lockedUntil && member.lockedUntil > now) {
    throw new ApiError("account_locked", "Too many failed sign-ins; try again later", {
      headers: { "retry-after": String(Math.ceil((member.lockedUntil - now) / 1000)) },
    });
  }
  if (!(await verifyPassword(input.password, member.passwordHash))) {
    const failures = member.failedSignIns + 1;
    await ctx.db
      .update(staff)
      .set({
        failedSignIns: failures >= MAX_FAILURES ? 0 : failures,
        lockedUntil: failures >= MAX_FAILURES ? now + LOCKOUT_MS : null,
      })
      .where(eq(staff.id, member.id));
    throw new ApiError("invalid_credentials");
  }
  const token = randomToken(32);
  const csrfToken = randomToken(24);
  const expiresAt = now + SESSION_TTL_MS;
  await ctx.db.batch([
    ctx.db.update(staff).set({ failedSignIns: 0, lockedUntil: null }).where(eq(staff.id, member.id)),
    ctx.db.insert(sessions).values({
      id: newId("session"),
      tokenHash: await sha256Hex(token),
      staffId: member.id,
      merchantId: member.merchantId,
      csrfToken,
      expiresAt,
      createdAt: now,
    }),
  ]);
  return {
    token,
    csrfToken,
    expiresAt,
    staff: { id: member.id, email: member.email, name: member.name, role: member.role, merchantId: member.merchantId },
  };
}

export async function sessionFromToken(ctx: ServiceContext, token: string): Promise<StaffSession | null> {
  const row = await ctx.db
    .select({
      sessionId: sessions.id,
      staffId: sessions.staffId,
      merchantId: sessions.merchantId,
      csrfToken: sessions.csrfToken,
      role: staff.role,
    })
    .from(sessions)
    .innerJoin(staff, eq(staff.id, sessions.staffId))
    .where(and(eq(sessions.tokenHash, await sha256Hex(token)), gt(sessions.expiresAt, Date.now())))
    .get();
  return row ?? null;
}

export async function signOut(ctx: ServiceContext, sessionId: string): Promise<void> {
  await ctx.db.delete(sessions).where(eq(sessions.id, sessionId));
}
