import { z } from "@hono/zod-openapi";
import { PRODUCT_KINDS } from "@tessera/domain";
import { MoneySchema, PathId } from "./shared";

/** Schemas shared by the supply-chain routes (suppliers, their SKUs, health, reconciliation). */

export const SupplierIdParam = z.object({ supplierId: PathId("supplierId", "sup_01JD5ZQ8W4N3M2K1H0G9F8E7D6") });

export const SupplierStatusSchema = z.enum(["pending", "approved", "suspended"]);

export const SupplierDocumentSchema = z
  .object({
    kind: z.enum(["business_license", "contract", "authorization", "other"]),
    name: z.string().trim().min(1).max(200),
    reference: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .openapi({ description: "Where the reviewer finds it: a document number or a file reference" }),
  })
  .openapi("SupplierDocument");

export const SupplierSettingsSchema = z
  .object({
    timeoutMs: z.number().int().min(100).max(30_000).openapi({ description: "A slower answer counts as a timeout" }),
    failureThreshold: z
      .number()
      .int()
      .min(1)
      .max(50)
      .openapi({ description: "Failures or timeouts in a row that open the circuit" }),
    cooldownSeconds: z
      .number()
      .int()
      .min(1)
      .max(3_600)
      .openapi({ description: "How long an open circuit refuses calls before one probe" }),
  })
  .openapi("SupplierSettings");

export const SupplierSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    adapter: z.string(),
    endpoint: z.string(),
    status: SupplierStatusSchema,
    documents: z.array(SupplierDocumentSchema),
    review: z.object({
      reviewedBy: z.string().nullable(),
      reviewedAt: z.string().nullable(),
      note: z.string().nullable(),
    }),
    settings: SupplierSettingsSchema,
    lastSyncedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Supplier");

export const ReviewedSupplierSchema = SupplierSchema.extend({ merchantId: z.string() }).openapi("ReviewedSupplier");

export const SkuSupplySchema = z
  .object({
    skuId: z.string(),
    kind: z.enum(PRODUCT_KINDS),
    price: MoneySchema,
    upstreamAvailable: z
      .number()
      .int()
      .openapi({ description: "Units the healthy suppliers offered at the last sync" }),
    suppliers: z.array(
      z.object({
        supplierId: z.string(),
        supplierName: z.string(),
        supplierStatus: SupplierStatusSchema,
        role: z.enum(["primary", "backup"]),
        priority: z.number().int(),
        productId: z.string().openapi({ description: "The supplier's product id" }),
        cost: MoneySchema,
        upstreamStock: z.number().int().nullable(),
        syncedAt: z.string().nullable(),
        syncError: z.string().nullable(),
      }),
    ),
    restock: z.object({ threshold: z.number().int(), quantity: z.number().int() }).nullable(),
    markupBps: z.number().int().nullable(),
  })
  .openapi("SkuSupply");
