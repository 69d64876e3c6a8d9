import { recordAudit, recordStockLevel } from "@tessera/db";
import { normalizeCardSecret } from "@tessera/domain";
import Papa from "papaparse";
import type { AdminCaller, ServiceContext } from "../context";
import { ApiError } from "../errors";
import type { ImportItem, SkuRef, StockKeeper } from "../objects/stock-keeper";
import { auditEntry } from "./audit";
import { skuOfMerchant } from "./catalog";

export const MAX_FIELD_LENGTH = 512;
const CHUNK = 500;

export interface StockLine {
  code: string;
  secret?: string | undefined;
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
 * Reads `code,secret` CSV (a header row is optional); quoting and embedded commas follow RFC
 * 4180. Each line keeps its number in the file, so a report points at the line a person sees.
 */
export function parseStockCsv(text: string): StockLine[] {
  const rows = Papa.parse<string[]>(text.replace(/^\uFEFF/, "")).data;
  const lines: StockLine[] = [];
  for (const [index, row] of rows.entries()) {
    if (row.every((cell) => cell.trim() === "")) continue;
    if (lines.length === 0 && row[0]?.trim().toLowerCase() === "code") continue;
    lines.push({
      code: row[0] ?? "",
      secret: row[1] === undefined || row[1] === "" ? undefined : row[1],
      line: index + 1,
    });
  }
  return lines;
}

/**
 * Imports card secrets into a SKU's StockKeeper. Each line is checked, encrypted and
 * fingerprinted here; the keeper refuses any fingerprint it already holds, so a secret is
 * never stored twice, whether repeated within the upload or across uploads.
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
  if (found.product.kind !== "card_secret") {
    throw new ApiError("conflict", "Only card-secret SKUs hold imported stock; voucher codes are minted at fulfilment");
  }
  const report: ImportReport = { imported: 0, duplicates: 0, rejected: 0, errors: [] };
  const reject = (line: number, message: string) => {
    report.rejected++;
    if (report.errors.length < 100) report.errors.push({ line, message });
  };
  const seen = new Set<string>();
  const items: ImportItem[] = [];
  for (const [index, line] of lines.entries()) {
    const code = normalizeCardSecret(line.code);
    const secret = line.secret?.trim();
    const where = line.line ?? index + 1;
    if (code.length === 0) reject(where, "code is empty");
    else if (code.length > MAX_FIELD_LENGTH || (secret?.length ?? 0) > MAX_FIELD_LENGTH) {
      reject(where, `fields may hold at most ${MAX_FIELD_LENGTH} characters`);
    } else {
      const fingerprint = await ctx.vault.fingerprint(merchantId, code);
      if (seen.has(fingerprint)) {
        report.duplicates++;
        continue;
      }
      seen.add(fingerprint);
      const context = `unit:${merchantId}:${skuId}`;
      items.push({
        fingerprint,
        codeCiphertext: await ctx.vault.encrypt(code, context),
        secretCiphertext: secret ? await ctx.vault.encrypt(secret, context) : null,
      });
    }
  }
  const keeper = stockKeeper(ctx, skuId);
  const ref: SkuRef = { merchantId, skuId };
  let levels: { available: number; version: number } | null = null;
  for (let i = 0; i < items.length; i += CHUNK) {
    const result = await keeper.importUnits(ref, items.slice(i, i + CHUNK));
    report.imported += result.imported;
    report.duplicates += result.duplicates;
    levels = result.levels;
  }
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
  if (found.product.kind !== "card_secret") return { skuId, available: null, reserved: 0, sold: 0 };
  const levels = await stockKeeper(ctx, skuId).levels();
  return { skuId, available: levels.available, reserved: levels.reserved, sold: levels.sold };
}
