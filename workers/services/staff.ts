import {
  acceptInvitationStatement,
  auditStatement,
  changeRoleStatement,
  findStaffByEmail,
  findStaffByInviteTokenHash,
  findStaffMember,
  guardedAuditStatement,
  insertStaffStatement,
  isCurrentMember,
  isGuardRefusal,
  isInactiveMember,
  isLiveInvitation,
  keepsAnOwner,
  listStaffMembers,
  NO_PASSWORD,
  reinviteStatement,
  removeStaffStatements,
  runAtomic,
  type StaffRow,
} from "@tessera/db";
import { hashPassword, newId, type Role, randomToken, sha256Hex } from "@tessera/domain";
import { sql } from "drizzle-orm";
import { type AdminCaller, actorOf, type ServiceContext } from "../context";
import { ApiError } from "../errors";
import { auditEntry } from "./audit";

export const INVITATION_TTL_MS = 7 * 86_400_000;

const iso = (ms: number) => new Date(ms).toISOString();

function staffView(row: StaffRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status as "active" | "invited",
    totpEnabled: row.totpSecret !== null,
    createdAt: iso(row.createdAt),
    invitedBy: row.invitedBy,
  };
}

export async function listStaff(ctx: ServiceContext, merchantId: string) {
  return { data: (await listStaffMembers(ctx.db, merchantId)).map(staffView) };
}

/**
 * Invites a member: a row in `invited` state and a token shown once (only its hash is kept),
 * good for 7 days. Inviting a pending or removed member of this merchant again issues a new
 * token; an email in use anywhere else is refused.
 */
export async function inviteStaff(
  ctx: ServiceContext,
  caller: AdminCaller,
  input: { email: string; name: string; role: Role },
) {
  const now = Date.now();
  const email = input.email.trim().toLowerCase();
  const inviteToken = randomToken(32);
  const invite = {
    name: input.name,
    role: input.role,
    invitedBy: actorOf(caller),
    inviteTokenHash: await sha256Hex(inviteToken),
    inviteExpiresAt: now + INVITATION_TTL_MS,
  };
  const taken = () => new ApiError("conflict", "A staff member with this email already exists");
  const existing = await findStaffByEmail(ctx.db, email);
  if (existing && (existing.merchantId !== caller.merchantId || existing.status === "active")) throw taken();
  const id = existing?.id ?? newId("staff", now);
  const entry = auditEntry(caller, "staff.invited", id, { email, role: input.role }, now);
  try {
    if (existing) {
      const guard = isInactiveMember(caller.merchantId, id);
      await runAtomic(ctx.db, [
        guardedAuditStatement(ctx.db, caller.merchantId, entry, guard),
        reinviteStatement(ctx.db, caller.merchantId, id, invite),
      ]);
    } else {
      await runAtomic(ctx.db, [
        insertStaffStatement(ctx.db, caller.merchantId, {
          ...invite,
          id,
          email,
          status: "invited",
          passwordHash: NO_PASSWORD,
          createdAt: now,
        }),
        auditStatement(ctx.db, caller.merchantId, entry),
      ]);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // Two invitations of one new email at once: the unique email index lets one through.
    if (/UNIQUE constraint failed: staff\.email/.test(String(error)) || isGuardRefusal(error)) throw taken();
    throw error;
  }
  return { id, email, role: input.role, inviteToken, expiresAt: iso(invite.inviteExpiresAt) };
}

/** The invitee sets a password with the token; the token then stops working. */
export async function acceptInvitation(ctx: ServiceContext, input: { token: string; password: string }) {
  const now = Date.now();
  const tokenHash = await sha256Hex(input.token);
  const missing = () => new ApiError("not_found", "No such invitation, or it has expired");
  const invited = await findStaffByInviteTokenHash(ctx.db, tokenHash);
  if (invited?.status !== "invited" || (invited.inviteExpiresAt ?? 0) <= now) throw missing();
  const passwordHash = await hashPassword(input.password);
  try {
    await runAtomic(ctx.db, [
      guardedAuditStatement(
        ctx.db,
        invited.merchantId,
        auditEntry(`staff:${invited.id}`, "staff.invitation_accepted", invited.id, null, now),
        isLiveInvitation(invited.id, tokenHash, now),
      ),
      acceptInvitationStatement(ctx.db, { staffId: invited.id, tokenHash, passwordHash, now }),
    ]);
  } catch (error) {
    if (isGuardRefusal(error)) throw missing();
    throw error;
  }
  return { id: invited.id, email: invited.email, role: invited.role };
}

/** Why a guarded change to a member was refused: they are not (or no longer) ours, or they are the last owner. */
async function refusal(ctx: ServiceContext, merchantId: string, staffId: string): Promise<ApiError> {
  const member = await findStaffMember(ctx.db, merchantId, staffId);
  if (!member || member.status === "removed") return new ApiError("not_found", "No such staff member");
  return new ApiError("conflict", "A merchant keeps at least one owner");
}

export async function changeRole(ctx: ServiceContext, caller: AdminCaller, staffId: string, role: Role) {
  const before = await findStaffMember(ctx.db, caller.merchantId, staffId);
  if (!before || before.status === "removed") throw new ApiError("not_found", "No such staff member");
  const guard =
    role === "owner"
      ? isCurrentMember(caller.merchantId, staffId)
      : sql`${isCurrentMember(caller.merchantId, staffId)} AND ${keepsAnOwner(caller.merchantId, staffId)}`;
  try {
    await runAtomic(ctx.db, [
      guardedAuditStatement(
        ctx.db,
        caller.merchantId,
        auditEntry(caller, "staff.role_changed", staffId, { from: before.role, to: role }),
        guard,
      ),
      changeRoleStatement(ctx.db, caller.merchantId, staffId, role),
    ]);
  } catch (error) {
    if (isGuardRefusal(error)) throw await refusal(ctx, caller.merchantId, staffId);
    throw error;
  }
  return staffView({ ...before, role });
}

/** Removes a member (not yourself, not the last owner): their sessions end at once. */
export async function removeStaff(ctx: ServiceContext, caller: AdminCaller, staffId: string): Promise<void> {
  if (caller.kind === "staff" && caller.staffId === staffId) {
    throw new ApiError("conflict", "You cannot remove yourself; ask another owner");
  }
  try {
    await runAtomic(ctx.db, [
      guardedAuditStatement(
        ctx.db,
        caller.merchantId,
        auditEntry(caller, "staff.removed", staffId),
        sql`${isCurrentMember(caller.merchantId, staffId)} AND ${keepsAnOwner(caller.merchantId, staffId)}`,
      ),
      ...removeStaffStatements(ctx.db, caller.merchantId, staffId),
    ]);
  } catch (error) {
    if (isGuardRefusal(error)) throw await refusal(ctx, caller.merchantId, staffId);
    throw error;
  }
}
