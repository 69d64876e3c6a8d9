import { runAtomic, toPage } from "@tessera/db";
import { riskListEntries } from "@tessera/db/schema";
import {
  type ListEntry,
  type ListKind,
  type ListName,
  type ListSubject,
  listHits,
  newId,
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
 * The entries an order's signals can match, as one indexed read to run alone or in a batch:
 * exact values of e-mail, device and card, and all of the merchant's IP ranges and top-up
 * accounts (a merchant keeps few), matched in code by `listHits` — so the read needs no
 * recipient opened first.
 */
export function candidateEntries(
  ctx: ServiceContext,
  merchantId: string,
  subject: Pick<ListSubject, "email" | "device" | "paymentFingerprint">,
) {
  const exact: { kind: ListKind; value: string }[] = [];
  const email = subject.email ? normalizeListValue("email", subject.email) : null;
  if (email) exact.push({ kind: "email", value: email });
  if (subject.device) exact.push({ kind: "device", value: subject.device });
  if (subject.paymentFingerprint) exact.push({ kind: "payment_fingerprint", value: subject.paymentFingerprint });
  return ctx.db
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
          inArray(riskListEntries.kind, ["ip_range", "recipient_account"]),
          ...exact.map((item) => and(eq(riskListEntries.kind, item.kind), eq(riskListEntries.value, item.value))),
        ),
      ),
    );
}

export async function listHitsFor(ctx: ServiceContext, merchantId: string, subject: ListSubject) {
  const rows: ListEntry[] = await candidateEntries(ctx, merchantId, subject).all();
  return listHits(rows, subject);
}

function isDuplicate(error: unknown): boolean {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    if (/UNIQUE constraint failed: risk_list_entries\./.test(String((cause as Error).message ?? cause))) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
