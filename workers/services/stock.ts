import { recordAudit, recordStockLevel } from "@tessera/db";
import { maskCode, normalizeCardSecret } from "@tessera/domain";
import Papa from "papaparse";
import type { AdminCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import type { AccountItem, ImportItem, SkuRef, StockKeeper, StockLevels } from "../objects/stock-keeper";
import { auditEntry } from "./audit";
import { skuOfMerchant } from "./catalog";

export const MAX_FIELD_LENGTH = 512;
/** Buyers one shared account may be sold to. */
export const MAX_SEATS = 1_000;
/** Lines checked and encrypted together, then sent to the keeper while the next chunk is prepared. */
const CHUNK = 1_000;
/** What one StockKeeper call may carry: its units are stored as one JSON value, and SQLite values stop at 2 MB. */
const MAX_BATCH_BYTES = 1_000_000;

/** The product kinds whose stock a StockKeeper holds: card secrets, and shared accounts' seats. */
export const STOCKED_KINDS = ["card_secret", "shared_account"] as const;
export const isStocked = (kind: string): kind is (typeof STOCKED_KINDS)[number] =>
  (STOCKED_KINDS as readonly string[]).includes(kind);

export interface StockLine {
  code: string;
  secret?: string | undefined;
  /** Shared accounts only: how many buyers the credential may be sold to. */
  seats?: number | undefined;
  /** Where the line sits in an uploaded file; JSON items are numbered from 1 instead. */
  line?: number | undefined;
}

export interface ImportReport {
  imported: number;
  duplicates: number;
  rejected: number;
  /** The first problems found: the CSV file's line number, or the JSON item's position from 1. */
  errors: { line: number; message: string }[];
}

export function stockKeeper(ctx: ServiceContext, skuId: string): DurableObjectStub<StockKeeper> {
  return ctx.env.STOCK_KEEPER.get(ctx.env.STOCK_KEEPER.idFromName(skuId));
}

/**
 * Reads `code,secret` CSV (with a third column `seats` for shared accounts; a header row is
 * optional); quoting and embedded commas follow RFC 4180. Each line keeps its number in the
 * file, so a report points at the line a person sees.
 */
export function parseStockCsv(text: string): StockLine[] {
  const rows = Papa.parse<string[]>(text.replace(/^\uFEFF/, "")).data;
  const lines: StockLine[] = [];
  for (const [index, row] of rows.entries()) {
    if (row.every((cell) => cell.trim() === "")) continue;
    if (lines.length === 0 && row[0]?.trim().toLowerCase() === "code") continue;
    const seats = row[2]?.trim();
    lines.push({
      code: row[0] ?? "",
      secret: row[1] === undefined || row[1] === "" ? undefined : row[1],
      ...(seats ? { seats: /^\d+$/.test(seats) ? Number(seats) : Number.NaN } : {}),
      line: index + 1,
    });
  }
  return lines;
}

/** Splits a chunk where its ciphertexts would outgrow one call (long lines of CJK text do). */
function* bySize<T extends ImportItem>(items: T[]): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = item.fingerprint.length + item.codeCiphertext.length + (item.secretCiphertext?.length ?? 0) + 64;
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** Why a line cannot be stocked, or null when it can. */
function problemOf(line: { code: string; secret: string | undefined; seats: number | undefined }, shared: boolean) {
  if (line.code.length === 0) return "code is empty";
  if (line.code.length > MAX_FIELD_LENGTH || (line.secret?.length ?? 0) > MAX_FIELD_LENGTH) {
    return `fields may hold at most ${MAX_FIELD_LENGTH} characters`;
  }
  if (shared && line.seats === undefined) return "seats is required for a shared account";
  if (shared && !(Number.isInteger(line.seats) && (line.seats ?? 0) >= 1 && (line.seats ?? 0) <= MAX_SEATS)) {
    return `seats must be a whole number from 1 to ${MAX_SEATS}`;
  }
  if (!shared && line.seats !== undefined) return "seats apply to shared accounts only";
  return null;
}

/**
 * Imports card secrets, or shared accounts with their seats, into a SKU's StockKeeper. Each
 * line is checked, encrypted and fingerprinted here; the keeper refuses any fingerprint it
 * already holds, so a secret is never stored twice, whether repeated within the upload or
 * across uploads.
 */
export async function importStock(
  ctx: ServiceContext,
  merchantId: string,
  skuId: string,
  lines: StockLine[],
  caller?: AdminCaller,
): Promise<ImportReport> {
  const found = await skuOfMerchant(ctx, merchantId, skuId);
  if (!found) throw new ApiError("not_found", "No such SKU");
  if (!isStocked(found.product.kind)) {
    throw new ApiError(
      "conflict",
      "Only card-secret and shared-account SKUs hold imported stock; voucher codes are minted at fulfilment",
    );
  }
  const shared = found.product.kind === "shared_account";
  const report: ImportReport = { imported: 0, duplicates: 0, rejected: 0, errors: [] };
  const reject = (line: number, message: string) => {
    report.rejected++;
    if (report.errors.length < 100) report.errors.push({ line, message });
  };
  const keeper = stockKeeper(ctx, skuId);
  const ref: SkuRef = { merchantId, skuId };
  const context = `unit:${merchantId}:${skuId}`;
  const seen = new Set<string>();
  let latest: StockLevels | null = null;
  // One chunk is sent to the keeper while the next is checked and encrypted; the crypto of a
  // chunk runs as one batch of promises rather than three awaits in a row per line.
  let sending: Promise<void> = Promise.resolve();
  for (let start = 0; start < lines.length; start += CHUNK) {
    const chunk = lines.slice(start, start + CHUNK).map((line, offset) => ({
      where: line.line ?? start + offset + 1,
      code: normalizeCardSecret(line.code),
      secret: line.secret?.trim() || undefined,
      seats: line.seats,
    }));
    const valid = chunk.filter((line) => {
      const problem = problemOf(line, shared);
      if (problem) reject(line.where, problem);
      return problem === null;
    });
    const fingerprints = await Promise.all(valid.map(({ code }) => ctx.vault.fingerprint(merchantId, code)));
    const fresh = valid.flatMap((line, i) => {
      const fingerprint = fingerprints[i] as string;
      if (seen.has(fingerprint)) {
        report.duplicates++;
        return [];
      }
      seen.add(fingerprint);
      return [{ ...line, fingerprint }];
    });
    const items: AccountItem[] = await Promise.all(
      fresh.map(async ({ code, secret, seats, fingerprint }) => ({
        fingerprint,
        codeCiphertext: await ctx.vault.encrypt(code, context),
        secretCiphertext: secret ? await ctx.vault.encrypt(secret, context) : null,
        label: maskCode(code),
        seats: seats ?? 1,
      })),
    );
    await sending;
    sending = (async () => {
      for (const batch of bySize(items)) {
        const result = shared
          ? await keeper.importAccounts(ref, batch)
          : await keeper.importUnits(
              ref,
              batch.map(({ fingerprint, codeCiphertext, secretCiphertext }) => ({
                fingerprint,
                codeCiphertext,
                secretCiphertext,
              })),
            );
        report.imported += result.imported;
        report.duplicates += result.duplicates;
        latest = result.levels;
      }
    })();
  }
  await sending;
  const levels = latest as StockLevels | null;
  if (levels) await recordStockLevel(ctx.db, merchantId, skuId, levels);
  // The units live in the StockKeeper, not D1, so the entry follows the import rather than
  // sharing its batch.
  if (caller) {
    const { imported, duplicates, rejected } = report;
    await recordAudit(
      ctx.db,
      merchantId,
      auditEntry(caller, "stock.imported", skuId, { imported, duplicates, rejected }),
    );
  }
  return report;
}

export async function stockLevels(ctx: ServiceContext, merchantId: string, skuId: string) {
  const found = await skuOfMerchant(ctx, merchantId, skuId);
  if (!found) throw new ApiError("not_found", "No such SKU");
  if (!isStocked(found.product.kind)) return { skuId, available: null, reserved: 0, sold: 0 };
  const levels = await stockKeeper(ctx, skuId).levels();
  return { skuId, available: levels.available, reserved: levels.reserved, sold: levels.sold };
}

/**
 * A shared-account SKU's credentials with their seats (cap, reserved by unpaid orders, sold),
 * oldest first; any other SKU has none.
 */
export async function listAccounts(
  ctx: ServiceContext,
  merchantId: string,
  skuId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  const found = await skuOfMerchant(ctx, merchantId, skuId);
  if (!found) throw new ApiError("not_found", "No such SKU");
  if (found.product.kind !== "shared_account") return { data: [], nextCursor: null };
  const rows = await stockKeeper(ctx, skuId).accounts(page.limit + 1, page.cursor ?? null);
  const data = rows.slice(0, page.limit).map((row) => ({ ...row, used: row.reserved + row.sold }));
  return { data, nextCursor: rows.length > page.limit ? (data[data.length - 1]?.accountId ?? null) : null };
}
