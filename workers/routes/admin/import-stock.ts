import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, errorResponses } from "../../errors";
import { idempotent, requireAdmin, requireCapability } from "../../middleware";
import { importStock, MAX_FIELD_LENGTH, MAX_SEATS, parseStockCsv, type StockLine } from "../../services/stock";
import { type App, IdempotencyKeyHeader, json, PathId, REPLAY_HEADERS, SECURITY } from "../shared";

const MAX_LINES = 100_000;

const StockItemsSchema = z
  .object({
    items: z
      .array(
        z.object({
          code: z.string().max(MAX_FIELD_LENGTH * 2),
          secret: z
            .string()
            .max(MAX_FIELD_LENGTH * 2)
            .optional(),
          seats: z.number().int().min(1).max(MAX_SEATS).optional().openapi({
            description: "Shared accounts (loop stock) only, and required there: buyers the credential may be sold to",
          }),
        }),
      )
      .min(1)
      .max(MAX_LINES),
  })
  .openapi("StockItems");

const ImportReportSchema = z
  .object({
    imported: z.number().int(),
    duplicates: z.number().int().openapi({ description: "Lines already held, or repeated within this upload" }),
    rejected: z.number().int(),
    errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
  })
  .openapi("ImportReport");

const route = createRoute({
  method: "post",
  path: "/v1/admin/skus/{skuId}/stock",
  tags: ["Admin"],
  summary: "Import card secrets, or shared accounts with their seats, into a SKU's stock (JSON or CSV)",
  description:
    "Send `application/json` `{ items: [{ code, secret?, seats? }] }`, or `text/csv` with columns `code,secret` (header optional). " +
    "A shared-account SKU (loop stock) takes `seats` per credential (the CSV's third column): how many buyers it may be sold to. " +
    "A code already held, or repeated within the upload, is counted as a duplicate and stored once.",
  security: SECURITY.admin,
  middleware: [
    requireAdmin(),
    requireCapability("catalog.write"),
    idempotent((c) => `admin:${c.get("admin").merchantId}`),
  ] as const,
  request: {
    params: z.object({ skuId: PathId("skuId", "sku_01JD5ZQ8W4N3M2K1H0G9F8E7D6") }),
    headers: IdempotencyKeyHeader,
    // Not `required`: @hono/zod-openapi then validates the JSON form only when the body is
    // JSON, and leaves a CSV body for the handler to parse.
    body: {
      required: false,
      content: {
        "application/json": { schema: StockItemsSchema },
        "text/csv": { schema: z.string().openapi({ example: "code,secret\nCARD-0001,PIN123\n" }) },
      },
    },
  },
  responses: {
    200: json(ImportReportSchema, "What was imported, what was a duplicate, what was rejected and why", REPLAY_HEADERS),
    ...errorResponses(
      "unauthorized",
      "csrf_failed",
      "forbidden",
      "not_found",
      "conflict",
      "unsupported_media_type",
      "idempotency_key_reused",
      "idempotency_key_in_use",
    ),
  },
});

async function readLines(
  contentType: string,
  text: () => Promise<string>,
  items: () => StockLine[],
): Promise<StockLine[]> {
  if (contentType.startsWith("text/csv")) {
    const lines = parseStockCsv(await text());
    if (lines.length === 0)
      throw new ApiError("validation_failed", "The CSV holds no lines", {
        errors: [{ path: "(body)", message: "empty" }],
      });
    if (lines.length > MAX_LINES) throw new ApiError("payload_too_large", `At most ${MAX_LINES} lines per upload`);
    return lines;
  }
  if (contentType.startsWith("application/json")) return items();
  throw new ApiError("unsupported_media_type", "Send application/json or text/csv");
}

export function registerImportStock(app: App) {
  app.openapi(route, async (c) => {
    const lines = await readLines(
      c.req.header("content-type") ?? "",
      () => c.req.text(),
      // With a CSV body the JSON validator had nothing to check; only JSON bodies reach here.
      () => (c.req.valid("json") as z.infer<typeof StockItemsSchema>).items,
    );
    const caller = c.get("admin");
    const report = await importStock(c.get("services"), caller.merchantId, c.req.valid("param").skuId, lines, caller);
    return c.json(report, 200);
  });
}
