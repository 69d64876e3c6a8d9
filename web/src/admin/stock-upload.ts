// Large card-secret files are parsed here in the browser and sent in chunks of at most 5,000
// lines, each its own request with its own Idempotency-Key (so a retried chunk is never
// imported twice); the reports are summed and the server's line numbers mapped back to the
// file's own.
import Papa from "papaparse";
import { ApiProblem } from "../lib/api";
import type { ImportReport } from "../lib/types";

export const CHUNK_LINES = 5_000;

export interface StockLine {
  /** 1-based line number in the uploaded file. */
  line: number;
  code: string;
  secret: string;
  /** Shared accounts (loop stock) only: buyers the account may be sold to; "" when absent. */
  seats: string;
}

export interface ParsedFile {
  lines: StockLine[];
}

const isBlank = (row: string[]) => row.every((cell) => cell.trim() === "");

/** Rows of a CSV text: `code[,secret[,seats]]`, an optional `code,secret` header, blank lines ignored. */
export function parseStockText(text: string): ParsedFile {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: false });
  const lines: StockLine[] = [];
  let first = true;
  // Papa keeps one row per physical line (codes hold no quoted newlines), so index + 1 is the
  // line number the merchant sees in an editor.
  parsed.data.forEach((row, index) => {
    if (!Array.isArray(row) || isBlank(row)) return;
    if (first) {
      first = false;
      if (row[0]?.trim().toLowerCase() === "code") return;
    }
    lines.push({ line: index + 1, code: row[0] ?? "", secret: row[1] ?? "", seats: row[2]?.trim() ?? "" });
  });
  return { lines };
}

export function parseStockFile(file: File): Promise<ParsedFile> {
  return file.text().then(parseStockText);
}

export function chunksOf<T>(items: T[], size = CHUNK_LINES): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** The largest field the JSON form of the import accepts; longer lines are refused here, by line. */
export const MAX_FIELD = 1_024;

/** The JSON body of one chunk: the server numbers its report by position in `items`, from 1. */
export function chunkBody(chunk: StockLine[]) {
  return {
    items: chunk.map((line) => ({
      code: line.code,
      ...(line.secret.trim() ? { secret: line.secret } : {}),
      ...(line.seats ? { seats: Number(line.seats) } : {}),
    })),
  };
}

/** The most buyers one shared account may be sold to (the API's limit). */
export const MAX_SEATS = 1_000;

const validSeats = (seats: string) =>
  seats === "" || (/^\d+$/.test(seats) && Number(seats) >= 1 && Number(seats) <= MAX_SEATS);

export interface UploadProgress {
  sentLines: number;
  totalLines: number;
  chunk: number;
  chunks: number;
  report: ImportReport;
}

export type SendChunk = (
  body: ReturnType<typeof chunkBody>,
  idempotencyKey: string,
  signal: AbortSignal,
) => Promise<ImportReport>;

const retryable = (error: unknown) =>
  error instanceof ApiProblem &&
  (error.status === 0 ||
    error.status >= 500 ||
    error.code === "idempotency_key_in_use" ||
    error.code === "rate_limited");

export async function uploadStock(
  lines: StockLine[],
  send: SendChunk,
  onProgress: (progress: UploadProgress) => void,
  signal: AbortSignal,
  { chunkSize = CHUNK_LINES, attempts = 4, backoffMs = 1_000 } = {},
): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, duplicates: 0, rejected: 0, errors: [] };
  const sendable: StockLine[] = [];
  for (const line of lines) {
    if (line.code.length > MAX_FIELD || line.secret.length > MAX_FIELD) {
      report.rejected++;
      report.errors.push({ line: line.line, message: `fields may hold at most ${MAX_FIELD} characters` });
    } else if (!validSeats(line.seats)) {
      report.rejected++;
      report.errors.push({ line: line.line, message: `seats must be a whole number from 1 to ${MAX_SEATS}` });
    } else sendable.push(line);
  }
  const chunks = chunksOf(sendable, chunkSize);
  let sentLines = lines.length - sendable.length;
  onProgress({ sentLines, totalLines: lines.length, chunk: 0, chunks: chunks.length, report });
  for (const [index, chunk] of chunks.entries()) {
    const key = crypto.randomUUID();
    const body = chunkBody(chunk);
    let result: ImportReport | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        result = await send(body, key, signal);
        break;
      } catch (error) {
        if (signal.aborted || attempt >= attempts || !retryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoffMs * attempt));
      }
    }
    report.imported += result.imported;
    report.duplicates += result.duplicates;
    report.rejected += result.rejected;
    for (const error of result.errors) {
      report.errors.push({ line: chunk[error.line - 1]?.line ?? error.line, message: error.message });
    }
    report.errors.sort((a, b) => a.line - b.line);
    sentLines += chunk.length;
    onProgress({ sentLines, totalLines: lines.length, chunk: index + 1, chunks: chunks.length, report: { ...report } });
  }
  return report;
}
