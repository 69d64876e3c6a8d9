// The browser side of a large card-secret upload, without a browser: the file is parsed, cut
// into requests of at most 5,000 lines with a key of their own, retried safely, and the
// server's per-request line numbers are mapped back to the file's.
import { describe, expect, test } from "vitest";
import { CHUNK_LINES, type chunkBody, parseStockText, uploadStock } from "../../web/src/admin/stock-upload";
import { ApiProblem } from "../../web/src/lib/api";
import type { ImportReport } from "../../web/src/lib/types";

type Body = ReturnType<typeof chunkBody>;

function fakeServer(fail?: (call: number) => ApiProblem | null) {
  const calls: { body: Body; key: string }[] = [];
  const held = new Set<string>();
  const send = async (body: Body, key: string): Promise<ImportReport> => {
    calls.push({ body, key });
    const failure = fail?.(calls.length);
    if (failure) throw failure;
    const report: ImportReport = { imported: 0, duplicates: 0, rejected: 0, errors: [] };
    body.items.forEach((item, index) => {
      if (item.code.trim() === "") {
        report.rejected++;
        report.errors.push({ line: index + 1, message: "code is empty" });
      } else if (held.has(item.code)) report.duplicates++;
      else {
        held.add(item.code);
        report.imported++;
      }
    });
    return report;
  };
  return { calls, send };
}

describe("stock upload in the browser", () => {
  test("50,000 lines go out in chunks of at most 5,000, each with its own Idempotency-Key", async () => {
    const rows = ["code,secret"];
    for (let i = 0; i < 50_000; i++) rows.push(`CODE-${i},PIN-${i}`);
    rows.splice(30_001, 0, "", "CODE-17,PIN-17", ",lonely");
    const { lines } = parseStockText(`\uFEFF${rows.join("\r\n")}\r\n`);
    expect(lines).toHaveLength(50_002);
    expect(lines[0]).toEqual({ line: 2, code: "CODE-0", secret: "PIN-0", seats: "" });

    const server = fakeServer();
    const progress: number[] = [];
    const report = await uploadStock(
      lines,
      server.send,
      (p) => progress.push(p.sentLines),
      new AbortController().signal,
    );
    expect(server.calls.length).toBe(11);
    expect(Math.max(...server.calls.map((call) => call.body.items.length))).toBeLessThanOrEqual(CHUNK_LINES);
    expect(new Set(server.calls.map((call) => call.key)).size).toBe(11);
    expect(report).toMatchObject({ imported: 50_000, duplicates: 1, rejected: 1 });
    // File line 30,004 is the one without a code (header 1, blank line 30,002, duplicate 30,003).
    expect(report.errors).toEqual([{ line: 30_004, message: "code is empty" }]);
    expect(progress.at(-1)).toBe(50_002);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  test("a chunk that failed in transit is retried with the same key; a refusal stops the upload", async () => {
    const lines = parseStockText("A\nB\nC\n").lines;
    const flaky = fakeServer((call) =>
      call === 1 ? new ApiProblem(503, "internal_error", undefined, undefined) : null,
    );
    const report = await uploadStock(lines, flaky.send, () => {}, new AbortController().signal, {
      chunkSize: 2,
      backoffMs: 1,
    });
    expect(report.imported).toBe(3);
    expect(flaky.calls.map((call) => call.key)[0]).toBe(flaky.calls.map((call) => call.key)[1]);
    expect(flaky.calls).toHaveLength(3);

    const refused = fakeServer(() => new ApiProblem(403, "forbidden", undefined, undefined));
    await expect(uploadStock(lines, refused.send, () => {}, new AbortController().signal)).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(refused.calls).toHaveLength(1);
  });

  test("a line too long for the API is refused by line number without failing its chunk", async () => {
    const lines = parseStockText(`code\nOK-1\n${"X".repeat(2_000)}\nOK-2\n`).lines;
    const server = fakeServer();
    const report = await uploadStock(lines, server.send, () => {}, new AbortController().signal);
    expect(report).toMatchObject({ imported: 2, rejected: 1 });
    expect(report.errors[0]?.line).toBe(3);
    expect(server.calls[0]?.body.items.map((item) => item.code)).toEqual(["OK-1", "OK-2"]);
  });
});
