import { runAtomic, toPage } from "@tessera/db";
import { riskListEntries } from "@tessera/db/schema";
import {
  type ListEntry,
  type ListKind,
  type ListName,
  type ListSubject,
  listHits,
  newId,
  normalizeAccount,
  normalizeListValue,
} from "@tessera/domain";
import { and, desc, eq, inArray, lt, or } from "drizzle-orm";
import { type AdminCaller, actorOf, type ServiceContext } from "../../context";
import { ApiError } from "../../errors";
import { audited } from "../audit";

type EntryRow = typeof riskListEntries.$inferSelect;

const view = (row: EntryRow) => ({
  id: row.id,
  kind: row.kind,
  list: row.list,
  value: row.value,
  note: row.note,
  createdBy: row.createdBy,
  createdAt: new Date(row.createdAt).toISOString(),
});

export async function listEntries(
  ctx: ServiceContext,
  merchantId: string,
  options: { kind?: ListKind | undefined; list?: ListName | undefined; limit: number; cursor?: string | undefined },
) {
  const filters = [eq(riskListEntries.merchantId, merchantId)];
  if (options.kind) filters.push(eq(riskListEntries.kind, options.kind));
  if (options.list) filters.push(eq(riskListEntries.list, options.list));
  if (options.cursor) filters.push(lt(riskListEntries.id, options.cursor));
  const rows = await ctx.db
    .select()
    .from(riskListEntries)
    .where(and(...filters))
    .orderBy(desc(riskListEntries.id))
    .limit(options.limit + 1)
    .all();
  return toPage(rows, options.limit, (row) => row.id, view);
}

/**
 * Adds an entry, normalized as orders are checked (a range canonical, an e-mail one mailbox).
 * The same value on the same list twice is 409; the entry and its audit row are one batch.
 */
export async function addEntry(
  ctx: ServiceContext,
  caller: AdminCaller,
  input: { kind: ListKind; list: ListName; value: string; note?: string | undefined },
) {
  const value = normalizeListValue(input.kind, input.value);
  if (value === null) {
    throw new ApiError("validation_failed", `Not a valid ${input.kind.replace("_", " ")}`, {
      errors: [{ path: "value", message: `is not a valid ${input.kind}` }],
    });
  }
  const now = Date.now();
  const row: EntryRow = {
    id: newId("riskListEntry", now),
    merchantId: caller.merchantId,
    kind: input.kind,
    list: input.list,
    value,
    note: input.note ?? null,
    createdBy: actorOf(caller),
    createdAt: now,
  };
  try {
    await runAtomic(ctx.db, [
      ctx.db.insert(riskListEntries).values(row),
      audited(ctx, caller, "risk.list_entry_added", row.id, { kind: row.kind, list: row.list, value }, now),
    ]);
  } catch (error) {
    // The batch is one transaction: a refused duplicate leaves no audit row behind.
    if (isDuplicate(error)) throw new ApiError("conflict", `That ${input.kind} is already on the ${input.list} list`);
    throw error;
  }
  return view(row);
}

export async function removeEntry(ctx: ServiceContext, caller: AdminCaller, entryId: string) {
  const row = await ctx.db
    .select()
    .from(riskListEntries)
    .where(and(eq(riskListEntries.id, entryId), eq(riskListEntries.merchantId, caller.merchantId)))
    .get();
  if (!row) throw new ApiError("not_found", "No such list entry");
  const [deleted] = await runAtomic(ctx.db, [
    ctx.db
      .delete(riskListEntries)
      .where(and(eq(riskListEntries.id, entryId), eq(riskListEntries.merchantId, caller.merchantId)))
      .returning({ id: riskListEntries.id }),
    audited(ctx, caller, "risk.list_entry_removed", entryId, { kind: row.kind, list: row.list, value: row.value }),
  ]);
  if (deleted.length === 0) throw new ApiError("not_found", "No such list entry");
}

/**
 * The entries an order's signals can match, in one indexed read: exact values for every kind
 * but IP ranges, which are all read (a merchant keeps few) and matched in code.
 */
export async function listHitsFor(ctx: ServiceContext, merchantId: string, subject: ListSubject) {
  const exact: { kind: ListKind; value: string }[] = [];
  const email = subject.email ? normalizeListValue("email", subject.email) : null;
  if (email) exact.push({ kind: "email", value: email });
  if (subject.device) exact.push({ kind: "device", value: subject.device });
  if (subject.paymentFingerprint) exact.push({ kind: "payment_fingerprint", value: subject.paymentFingerprint });
  for (const account of subject.recipientAccounts) {
    exact.push({ kind: "recipient_account", value: normalizeAccount(account) });
  }
  if (!subject.ip && exact.length === 0) return [];
  const byKind = (kind: ListKind) => exact.filter((item) => item.kind === kind).map((item) => item.value);
  const kinds = [...new Set(exact.map((item) => item.kind))];
  const rows: ListEntry[] = await ctx.db
    .select({
      id: riskListEntries.id,
      kind: riskListEntries.kind,
      list: riskListEntries.list,
      value: riskListEntries.value,
    })
    .from(riskListEntries)
    .where(
      and(
        eq(riskListEntries.merchantId, merchantId),
        or(
          ...(subject.ip ? [eq(riskListEntries.kind, "ip_range")] : []),
          ...kinds.map((kind) => and(eq(riskListEntries.kind, kind), inArray(riskListEntries.value, byKind(kind)))),
        ),
      ),
    )
    .all();
  return listHits(rows, subject);
}

function isDuplicate(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    if (/UNIQUE constraint failed: risk_list_entries\./.test(String((cause as Error).message ?? cause))) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
